"""The desk's Starlette app: search, document pages, archived copies, reviews and exports.

Pages read through a read-only SQLite connection (WAL: a crawl writing at the same time never
blocks them); only a review or a missed-evidence mark opens a write transaction. Every crawled
string reaches the page through Jinja's autoescaping, and the page policy (web.security) forbids
inline scripts anyway. Only allowed host names are served (DNS rebinding), every POST goes through
``form_route`` (origin and form token), and with a ``Login`` every request needs a signed-in user,
whose name is the reviewer recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from db.engine import read_only_error
from db.errors import ReadOnlyDatabase
from web.archive import archived_copy, archived_page, screenshot
from web.auth import Login, RequireLogin
from web.desk import HERE, Desk
from web.forms import form_route, missed, review
from web.pages import document_page, export, search_page
from web.security import SecurityHeaders, allowed_hosts


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
