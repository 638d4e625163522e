"""The desk's Starlette app: search, document pages, archived copies, reviews and exports.

Pages read through a read-only SQLite connection (WAL: a crawl writing at the same time never
blocks them); only a review or a missed-evidence mark opens a write transaction. Every crawled
string reaches the page through Jinja's autoescaping, and the page policy (web.security) forbids
inline scripts anyway. Only allowed host names are served (DNS rebinding), every POST goes through
``form_route`` (origin and form token), and with a ``Login`` every request needs a signed-in user,
whose name is the reviewer recorded.
"""

from __future__ import annotations

import io
import json
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from db.archived import copy_facts
from db.documents import document_detail, raw_copy
from db.engine import (
    data_dir_for,
    is_read_only,
    open_database,
    read_only_error,
    resolve_db_url,
    session_scope,
    sqlite_path,
)
from db.errors import ReadOnlyDatabase
from db.filters import Filter
from db.hits import HitView, find_hits, iter_hits, version_text
from db.ids import record_id
from db.missed import mark_document, mark_history
from db.queries import open_read_only
from db.rawstore import RawStore
from db.review import ReviewError, add_review, history
from db.screenshots import latest_for_versions
from db.search import highlight, search, sync_index, term_needles
from evidence.cite import full_citation
from evidence.search_query import lists_everything
from web import params
from web.auth import Login, RequireLogin
from web.security import (
    ARCHIVE_POLICY,
    SecurityHeaders,
    allowed_hosts,
    new_form_token,
    safe_next,
    same_origin,
    token_ok,
    user_form_token,
)

HERE = Path(__file__).resolve().parent
EXPORT_LIMIT = 1_000_000


@dataclass(frozen=True)
class Block:
    """A stretch of a document's text: plain, or one hit's sentence."""

    segments: list[tuple[str, bool]]
    hit: HitView | None = None


class Desk:
    """The database handles and settings one server uses."""

    def __init__(self, db: str | None, reviewer: str) -> None:
        url = resolve_db_url(db)
        path = sqlite_path(url)
        self.writer = open_database(url, create=False)
        self.read_only = is_read_only(self.writer)  # a file or folder this user cannot write
        self.indexed = 0 if self.read_only else self._sync()
        # PostgreSQL: pages read in read-only transactions of the server's own MVCC snapshots
        self.reader: Engine = open_read_only(str(path)) if path is not None else \
            self.writer.execution_options(postgresql_readonly=True)
        self.raw = RawStore(data_dir_for(url))
        self.reviewer = reviewer
        self.form_token = new_form_token()
        self.templates = _templates()

    def _sync(self) -> int:
        """Index what the search index lacks; return how many versions."""
        with session_scope(self.writer) as session:
            return sync_index(session)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session."""
        with Session(self.reader) as session:
            yield session

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        """Render a template with the helpers every page uses."""
        context.setdefault("q", "")
        context.update(request=request, p=params, reviewer=self.reviewer_for(request),
                       csrf=self.token_for(request), signed_in=bool(_login(request)))
        return HTMLResponse(self.templates.get_template(name).render(context), status_code=status)

    def token_for(self, request: Request) -> str:
        """The form token of this request's user (the server's own without logins)."""
        return user_form_token(self.form_token, _login(request))

    def reviewer_for(self, request: Request, form: FormData | None = None) -> str:
        """Who decides: the signed-in user; else the name in the form, the cookie, the server's."""
        typed = str(form.get("reviewer", "")).strip() if form is not None else ""
        return _login(request) or typed or request.cookies.get("reviewer") or self.reviewer

    def close(self) -> None:
        """Release both engines."""
        self.reader.dispose()
        self.writer.dispose()


def _login(request: Request) -> str | None:
    """The signed-in user (web.auth.RequireLogin), if logins are required."""
    user = request.scope.get("user")
    return user if isinstance(user, str) else None


def _path_id(request: Request, name: str) -> int:
    """A row id from the path; 404 when no row can have it (beyond the integer columns)."""
    found = record_id(request.path_params[name])
    if found is None:
        raise HTTPException(404, "no such record")
    return found


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals.update(label=params.label, missed_categories=params.MISSED_CATEGORIES)
    return env


def citation(session: Session, hit: HitView) -> str:
    """The footnote of a hit (with archive and removal facts when recorded) and its review."""
    return full_citation(session, hit)


def _hits_by_version(session: Session, version_ids: list[int]) -> dict[int, list[HitView]]:
    found: dict[int, list[HitView]] = {}
    if version_ids:
        for hit in find_hits(session, Filter(version_ids=tuple(version_ids))):
            found.setdefault(hit.version_id, []).append(hit)
    return found


def search_page(request: Request) -> Response:
    """The search page: query, facets with counts, results with passages and hits.

    Without words or a chosen facet it lists nothing: it asks for words and offers the facets.
    """
    desk: Desk = request.app.state.desk
    query = request.query_params
    wanted = params.search_filter(query)
    unasked = lists_everything(wanted)
    with desk.read() as session:
        page = search(session, wanted)
        shown = [] if unasked else page.results
        hits = _hits_by_version(session, [r.facts.version_id for r in shown])
        cites = {h.id: citation(session, h) for group in hits.values() for h in group}
    pages = max(1, -(-page.total // params.PAGE_SIZE))
    return desk.render(request, "search.html", page=page, hits=hits, q=wanted.query,
                       query=query, number=wanted.offset // params.PAGE_SIZE + 1, pages=pages,
                       needles=page.needles, mark=_mark_hit, cites=cites, unasked=unasked)


def _mark_hit(hit: HitView, needles: list[str]) -> list[tuple[str, bool]]:
    """A hit's sentence with its lexicon terms and the query words marked."""
    return highlight(hit.sentence, [*term_needles([*hit.terms, *hit.companies]), *needles])


def text_blocks(body: str, hits: list[HitView], needles: list[str]) -> list[Block]:
    """The full text cut into plain stretches and hit sentences, all marked."""
    blocks, pos = [], 0
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.start < pos:
            continue
        blocks.append(Block(highlight(body[pos:hit.start], needles)))
        blocks.append(Block(_mark_hit(hit, needles), hit))
        pos = hit.end
    blocks.append(Block(highlight(body[pos:], needles)))
    return blocks


def document_page(request: Request) -> Response:
    """A document: status, versions, every hit in the full text, citations and reviews."""
    desk: Desk = request.app.state.desk
    q = request.query_params.get("q", "")[:500]
    with desk.read() as session:
        detail = document_detail(session, _path_id(request, "document_id"))
        if detail is None or not detail.versions:
            raise HTTPException(404, "no such document")
        chosen = _chosen_version(request, [v.id for v in detail.versions])
        hits = _hits_by_version(session, [chosen]).get(chosen, [])
        body = version_text(session, chosen)
        reviews = {hit.id: history(session, hit.id) for hit in hits}
        cites = {hit.id: citation(session, hit) for hit in hits}
        marks = mark_history(session, detail.id)
        shot = latest_for_versions(session, [chosen]).get(chosen)
    from db.search import highlight_words

    needles = highlight_words(q) if q.strip() else []
    version = next(v for v in detail.versions if v.id == chosen)
    return desk.render(request, "document.html", doc=detail, version=version, hits=hits,
                       blocks=text_blocks(body, hits, needles), reviews=reviews, q=q,
                       mark=_mark_hit, needles=needles, cites=cites, marks=marks,
                       newest=detail.versions[-1], shot=shot,
                       here=str(request.url.path) + (f"?{request.url.query}"
                                                     if request.url.query else ""))


def _chosen_version(request: Request, ids: list[int]) -> int:
    wanted = record_id(request.query_params.get("version"))
    return wanted if wanted in ids else ids[-1]


def archived_copy(request: Request) -> Response:
    """The stored raw bytes of a version, served so that nothing in them can run or call out."""
    desk: Desk = request.app.state.desk
    with desk.read() as session:
        copy = raw_copy(session, _path_id(request, "version_id"))
    if copy is None or not desk.raw.path(copy.sha256).is_file():
        raise HTTPException(404, "no stored copy of this version")
    media = (copy.content_type or "application/octet-stream").split(";")[0].strip().lower()
    if media.startswith("text/"):
        media = f"{media}; charset={copy.charset or 'utf-8'}"
    elif media != "application/pdf":
        media = "application/octet-stream"
    headers = {"content-security-policy": ARCHIVE_POLICY, "cache-control": "no-store",
               "content-disposition": f'inline; filename="{copy.sha256}"'}
    return Response(desk.raw.read(copy.sha256), media_type=media, headers=headers)


def archived_page(request: Request) -> Response:
    """The archived copy in a sandboxed frame under a fixed banner saying what it is."""
    desk: Desk = request.app.state.desk
    with desk.read() as session:
        facts = copy_facts(session, _path_id(request, "version_id"))
        shot = latest_for_versions(session, [facts.version_id]) if facts else {}
    if facts is None or not desk.raw.path(facts.sha256).is_file():
        raise HTTPException(404, "no stored copy of this version")
    return desk.render(request, "archived.html", facts=facts,
                       screenshot_url=f"/shot/{facts.version_id}.png" if shot else None)


SHOT_TYPES = {"png": "image/png", "pdf": "application/pdf"}


def screenshot(request: Request) -> Response:
    """A version's newest screenshot (PNG) or PDF print, from the store, inert."""
    desk: Desk = request.app.state.desk
    version_id, kind = _path_id(request, "version_id"), request.path_params["kind"]
    with desk.read() as session:
        shot = latest_for_versions(session, [version_id]).get(version_id)
    digest = (shot.sha256 if kind == "png" else shot.pdf_sha256) if shot else None
    if kind not in SHOT_TYPES or digest is None or not desk.raw.path(digest).is_file():
        raise HTTPException(404, "no screenshot of this version")
    headers = {"content-security-policy": ARCHIVE_POLICY, "cache-control": "no-store",
               "content-disposition": f'inline; filename="{digest}.{kind}"'}
    return Response(desk.raw.read(digest), media_type=SHOT_TYPES[kind], headers=headers)


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
        await run_in_threadpool(_save_review, desk, hit_id, str(form.get("status", "")),
                                reviewer, str(form.get("note", "")))
    except ReviewError as exc:
        raise HTTPException(400, str(exc)) from exc
    return _back(form, "/", f"#hit-{hit_id}", reviewer)


def _save_review(desk: Desk, hit_id: int, status: str, reviewer: str, note: str) -> None:
    with session_scope(desk.writer) as session:
        add_review(session, hit_id, status, reviewer, note)


async def missed(request: Request, form: FormData) -> Response:
    """Mark an unflagged document as missed evidence (or withdraw the mark), then go back."""
    desk: Desk = request.app.state.desk
    document_id = _form_id(form, "document_id", "document")
    reviewer = desk.reviewer_for(request, form)
    fields = {k: str(form.get(k, "")) for k in ("status", "note", "category")}
    try:
        await run_in_threadpool(_save_mark, desk, document_id, reviewer, fields)
    except ReviewError as exc:
        raise HTTPException(400, str(exc)) from exc
    return _back(form, f"/doc/{document_id}", "#missed", reviewer)


def _save_mark(desk: Desk, document_id: int, reviewer: str, fields: dict[str, str]) -> None:
    with session_scope(desk.writer) as session:
        mark_document(session, document_id, fields["status"], reviewer, fields["note"],
                      fields["category"] or None)


def export(request: Request) -> Response:
    """The hits of the current result set as CSV or JSON Lines (citation fields and reviews)."""
    from evidence.commands import write_csv

    desk: Desk = request.app.state.desk
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "jsonl"):
        raise HTTPException(404, "export formats: csv, jsonl")
    wanted = params.search_filter(request.query_params, limit=EXPORT_LIMIT)
    out = io.StringIO()
    with desk.read() as session:
        ids = search(session, wanted).version_ids
        rows = list(_export_rows(session, ids, wanted))
    if fmt == "csv":
        write_csv(rows, out)
    else:
        out.writelines(json.dumps(h.to_dict(), ensure_ascii=False) + "\n" for h in rows)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson; charset=utf-8"
    disposition = f'attachment; filename="evidence-hits.{fmt}"'
    return Response(out.getvalue(), media_type=media,
                    headers={"content-disposition": disposition})


def _export_rows(session: Session, ids: list[int], wanted: Filter) -> Iterator[HitView]:
    """Current hits of the result set that also match its hit-level facets."""
    review = wanted.review if wanted.review else None
    for start in range(0, len(ids), 500):
        chunk = Filter(version_ids=tuple(ids[start:start + 500]), category=wanted.category,
                          company=wanted.company, review=review)
        yield from iter_hits(session, f=chunk)


async def not_found(request: Request, exc: Exception) -> Response:
    """HTTP errors as a small page."""
    desk: Desk = request.app.state.desk
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "unexpected error"
    return desk.render(request, "error.html", status=status, code=status, message=detail)


async def busy(request: Request, exc: Exception) -> Response:
    """A locked or unreadable database: say so plainly, nothing was lost."""
    desk: Desk = request.app.state.desk
    if read_only_error(desk.writer, exc) is not None:
        return await read_only(request, exc)
    message = ("The database is busy (a crawl is writing). Nothing was lost; "
               "go back and try again in a moment.")
    return desk.render(request, "error.html", status=503, code=503, message=message)


async def read_only(request: Request, _exc: Exception) -> Response:
    """A write to a database this server may only read: say so, nothing was recorded."""
    desk: Desk = request.app.state.desk
    message = ("The database is read-only (its file or folder cannot be written by this "
               "server): nothing was recorded. Reading and exporting still work.")
    return desk.render(request, "error.html", status=403, code=403, message=message)


def _middleware(hosts: Sequence[str] | None, login: Login | None) -> list[Middleware]:
    """Security headers on every answer; unknown Host names refused; logins when required."""
    trusted = list(hosts) if hosts else allowed_hosts("127.0.0.1")
    stack = [Middleware(SecurityHeaders),
             Middleware(TrustedHostMiddleware, allowed_hosts=trusted, www_redirect=False)]
    if login is not None:
        stack.append(Middleware(RequireLogin, login=login))
    return stack


def create_app(db: str | None, reviewer: str, hosts: Sequence[str] | None = None,
               login: Login | None = None) -> Starlette:
    """The desk app over the database ``db``, answering to ``hosts`` (default: loopback names),
    to signed-in users only when a ``login`` is given."""
    desk = Desk(db, reviewer)
    routes = [
        Route("/", search_page),
        Route("/doc/{document_id:int}", document_page),
        Route("/archive/{version_id:int}", archived_copy),
        Route("/copy/{version_id:int}", archived_page),
        Route("/shot/{version_id:int}.{kind:str}", screenshot),
        form_route("/review", review),
        form_route("/missed", missed),
        Route("/export.{fmt:str}", export),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=_middleware(hosts, login),
                    exception_handlers={HTTPException: not_found, OperationalError: busy,
                                        ReadOnlyDatabase: read_only})
    app.state.desk = desk
    return app
