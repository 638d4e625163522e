"""One object per SQL dialect holding every difference between SQLite and PostgreSQL.

Callers ask ``backend_of(connection, session or engine)`` or ``backend_named(name)`` and call
the answer; no other module compares dialect names.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from db.backend.base import Backend, Clauses, IndexRow
from db.backend.postgres import PostgresBackend
from db.backend.sqlite import SqliteBackend

SQLITE = SqliteBackend()
POSTGRES = PostgresBackend()
__all__ = ["POSTGRES", "SQLITE", "Backend", "Clauses", "IndexRow", "backend_named", "backend_of"]


def backend_named(name: str) -> Backend:
    """The backend of a dialect name ("sqlite"; anything else is served as PostgreSQL)."""
    return SQLITE if name == SQLITE.name else POSTGRES


def backend_of(bind: Connection | Engine | Session) -> Backend:
    """The backend of a connection, engine or session."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return backend_named(engine.dialect.name)
