"""The one way a service opens the database a command names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from db.engine import open_database, session_scope

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@contextmanager
def database_session(db: str | None) -> Iterator[Session]:
    """A session of the existing database ``db`` (file or URL), committed when the block ends
    and its engine released."""
    engine = open_database(db, create=False)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()
