"""The desk's forms, its only writes: a review of a hit, a missed-evidence mark."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from db.ids import record_id
from db.review import ReviewError
from evidence.services.review import save_mark, save_review
from web.desk import Desk
from web.security import safe_next, same_origin, token_ok


async def _trusted_form(request: Request) -> FormData:
    """The posted form, when it comes from this desk's own pages (origin and form token)."""
    desk: Desk = request.app.state.desk
    if not same_origin(request.headers.get("origin"), request.headers.get("host")):
        raise HTTPException(403, "reviews are accepted from this desk's own pages only")
    form = await request.form()
    if not token_ok(desk.token_for(request), str(form.get("csrf", ""))):
        raise HTTPException(403, "reviews are accepted from this desk's own pages only "
                                 "(the form is missing its token, or is older than the "
                                 "server: reload the page and try again)")
    return form


FormHandler = Callable[[Request, FormData], Awaitable[Response]]


def form_route(path: str, handler: FormHandler) -> Route:
    """A POST route; the handler runs only for a form from our own pages (every write)."""
    async def endpoint(request: Request) -> Response:
        return await handler(request, await _trusted_form(request))

    endpoint.__doc__ = handler.__doc__
    return Route(path, endpoint, methods=["POST"], name=handler.__name__)


def _back(form: FormData, default: str, anchor: str, reviewer: str) -> Response:
    """Go back to the page the form came from, remembering the reviewer's name."""
    target = safe_next(str(form.get("next", "")), default) + anchor
    response = RedirectResponse(target, status_code=303)
    response.set_cookie("reviewer", reviewer[:100], samesite="strict", httponly=True)
    return response


def _form_id(form: FormData, name: str, what: str) -> int:
    """A row id from a form field; 400 when missing, malformed or beyond any row."""
    found = record_id(str(form.get(name, "")))
    if found is None:
        raise HTTPException(400, f"missing or malformed {what} id")
    return found


async def review(request: Request, form: FormData) -> Response:
    """Record a review from a form, then go back to the page it came from."""
    desk: Desk = request.app.state.desk
    hit_id = _form_id(form, "hit_id", "hit")
    reviewer = desk.reviewer_for(request, form)
    try:
        await run_in_threadpool(save_review, desk.writer, hit_id, str(form.get("status", "")),
                                reviewer, str(form.get("note", "")))
    except ReviewError as exc:
        raise HTTPException(400, str(exc)) from exc
    return _back(form, "/", f"#hit-{hit_id}", reviewer)


async def missed(request: Request, form: FormData) -> Response:
    """Mark an unflagged document as missed evidence (or withdraw the mark), then go back."""
    desk: Desk = request.app.state.desk
    document_id = _form_id(form, "document_id", "document")
    reviewer = desk.reviewer_for(request, form)
    fields = {k: str(form.get(k, "")) for k in ("status", "note", "category")}
    try:
        await run_in_threadpool(save_mark, desk.writer, document_id, fields["status"], reviewer,
                                fields["note"], fields["category"] or None)
    except ReviewError as exc:
        raise HTTPException(400, str(exc)) from exc
    return _back(form, f"/doc/{document_id}", "#missed", reviewer)
