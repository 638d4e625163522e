"""Keeping the search index in step with the stored versions.

Each backend keeps the tokens of ``db.search.tokens`` in its own search table (SQLite: FTS5
``search_fts``, rowid = ``versions.id``; PostgreSQL: ``search_tokens`` with a stored tsvector:
see ``db.backend``). A flush listener indexes every new ``Version`` in the same transaction
(registered by importing this module; ``db.store`` does), ``sync_index`` adds any version still
missing (databases made before the index existed), and reprocessing re-indexes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, event, func, select, text
from sqlalchemy.orm import Session, UOWTransaction

from db.backend import SQLITE, IndexRow, backend_of
from db.backend.sqlite import TABLE
from db.chunks import chunks
from db.models import Version
from db.queries import version_titles
from db.search.tokens import index_tokens

__all__ = ["TABLE", "ensure_table", "has_index", "index_versions", "missing_versions",
           "sync_index", "tokenize", "write_index"]


def ensure_table(conn: Connection) -> None:
    """Create the FTS5 table if this (SQLite) database has none yet."""
    SQLITE.create_search_table(conn)


TokenRow = tuple[int, str, str]  # version id, title tokens, body tokens


def tokenize(rows: Iterable[tuple[int, str | None, str]]) -> list[TokenRow]:
    """Index tokens of versions given as (id, title, text); pure, so worker processes can do
    it while one connection writes (``write_index``)."""
    return [(vid, index_tokens(title or ""), index_tokens(body)) for vid, title, body in rows]


def write_index(conn: Connection, rows: Sequence[TokenRow]) -> int:
    """(Re-)index tokenized versions with one executemany per statement; return how many."""
    latest = {vid: (title, body) for vid, title, body in rows}  # a repeated id: its last row
    values: list[IndexRow] = [{"id": vid, "t": title, "b": body}
                              for vid, (title, body) in latest.items()]
    if not values:
        return 0
    backend_of(conn).write_index(conn, values)
    return len(values)


def index_versions(conn: Connection, rows: Iterable[tuple[int, str | None, str]]) -> int:
    """(Re-)index versions given as (id, title, text); the index is derived, never evidence."""
    return write_index(conn, tokenize(rows))


@event.listens_for(Session, "after_flush")
def _index_new_versions(session: Session, _context: UOWTransaction) -> None:
    """Index every version inserted by this flush, in the same transaction."""
    new = [obj for obj in session.new if isinstance(obj, Version)]
    if not new:
        return
    index_versions(session.connection(), [(v.id, v.title, v.text) for v in new])


def has_index(session: Session) -> bool:
    """Whether this database has its search table."""
    return backend_of(session).has_index(session)


def missing_versions(session: Session) -> list[int]:
    """Ids of versions not in the index yet."""
    if not has_index(session):
        return list(session.scalars(select(Version.id).order_by(Version.id)))
    backend = backend_of(session)
    # rows are only ever written for versions, and versions never deleted: equal counts mean
    # nothing is missing (counting is cheap; the anti-join reads every id)
    held = session.scalar(text(f"SELECT count(*) FROM {backend.index_rows}"))
    if held == session.scalar(select(func.count(Version.id))):
        return []
    query = text(f"SELECT id FROM versions WHERE id NOT IN ({backend.indexed_ids}) ORDER BY id")
    return [row[0] for row in session.execute(query)]


def sync_index(session: Session, batch: int = 100) -> int:
    """Index every version the index lacks (e.g. stored before it existed); return how many."""
    conn = session.connection()
    backend_of(conn).create_search_table(conn)
    missing = missing_versions(session)
    for chunk in chunks(missing, batch):
        texts = version_titles(session, chunk)  # re-extracted: newest
        index_versions(conn, [(vid, title, body) for vid, (title, body) in texts.items()])
    return len(missing)
