"""The desk's archived copies: a version's raw bytes served inert, the page that frames them,
and its screenshots."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from db.archived import copy_facts
from db.documents import raw_copy
from db.screenshots import latest_for_versions
from evidence.services.timestamp import authorities
from web.desk import Desk, path_id
from web.security import ARCHIVE_POLICY


def archived_copy(request: Request) -> Response:
    """The stored raw bytes of a version, served so that nothing in them can run or call out."""
    desk: Desk = request.app.state.desk
    with desk.read() as session:
        copy = raw_copy(session, path_id(request, "version_id"))
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
        facts = copy_facts(session, path_id(request, "version_id"), authorities(desk.raw.root))
        shot = latest_for_versions(session, [facts.version_id]) if facts else {}
    if facts is None or not desk.raw.path(facts.sha256).is_file():
        raise HTTPException(404, "no stored copy of this version")
    return desk.render(request, "archived.html", facts=facts,
                       screenshot_url=f"/shot/{facts.version_id}.png" if shot else None)


SHOT_TYPES = {"png": "image/png", "pdf": "application/pdf"}


def screenshot(request: Request) -> Response:
    """A version's newest screenshot (PNG) or PDF print, from the store, inert."""
    desk: Desk = request.app.state.desk
    version_id, kind = path_id(request, "version_id"), request.path_params["kind"]
    with desk.read() as session:
        shot = latest_for_versions(session, [version_id]).get(version_id)
    digest = (shot.sha256 if kind == "png" else shot.pdf_sha256) if shot else None
    if kind not in SHOT_TYPES or digest is None or not desk.raw.path(digest).is_file():
        raise HTTPException(404, "no screenshot of this version")
    headers = {"content-security-policy": ARCHIVE_POLICY, "cache-control": "no-store",
               "content-disposition": f'inline; filename="{digest}.{kind}"'}
    return Response(desk.raw.read(digest), media_type=SHOT_TYPES[kind], headers=headers)
