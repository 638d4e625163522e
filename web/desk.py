"""The desk's server state: database handles, templates, and the helpers every page uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from db.engine import (
    data_dir_for,
    is_read_only,
    open_database,
    resolve_db_url,
    session_scope,
    sqlite_path,
)
from db.ids import record_id
from db.queries import open_read_only
from db.rawstore import RawStore
from db.search import sync_index
from web import params
from web.security import new_form_token, user_form_token

HERE = Path(__file__).resolve().parent


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
                       csrf=self.token_for(request), signed_in=bool(login_of(request)))
        return HTMLResponse(self.templates.get_template(name).render(context), status_code=status)

    def token_for(self, request: Request) -> str:
        """The form token of this request's user (the server's own without logins)."""
        return user_form_token(self.form_token, login_of(request))

    def reviewer_for(self, request: Request, form: FormData | None = None) -> str:
        """Who decides: the signed-in user; else the name in the form, the cookie, the server's."""
        typed = str(form.get("reviewer", "")).strip() if form is not None else ""
        return login_of(request) or typed or request.cookies.get("reviewer") or self.reviewer

    def close(self) -> None:
        """Release both engines."""
        self.reader.dispose()
        self.writer.dispose()


def login_of(request: Request) -> str | None:
    """The signed-in user (web.auth.RequireLogin), if logins are required."""
    user = request.scope.get("user")
    return user if isinstance(user, str) else None


def path_id(request: Request, name: str) -> int:
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
