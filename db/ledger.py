"""The hash log: an append-only chain of hashes over every stored row a citation relies on.

Each row of a COVERED table gets one ``hash_log`` entry in the transaction that writes it: the
SHA-256 of the row's canonical content (its COVERED columns, spelled the same on SQLite and
PostgreSQL) and the entry's own SHA-256 over that content, the table, the row id, the time and
the previous entry's SHA-256, so the entries form one chain. The storage layer writes them: a
session listener for every ORM write (db.store, reprocessing, reviews, missed evidence), and
:func:`log_returned` / :func:`log_rows` for the bulk inserts of db.bulk. `evidence verify`
recomputes the chain and every covered row (:func:`check_chain`, :func:`check_rows`): a row
edited after it was written, a deleted row, a row written around the storage layer and an
edited, removed or reordered entry are each reported with the table and row. Rows that existed
before the log did are sealed by `evidence db upgrade` (entries of kind ``seal``): they are
covered from the upgrade on, not from their capture.

Only columns that never change after their row's transaction are covered: a document's
status, last-seen time and removal time change on every crawl (their history is the covered
``document_status_events``); sources and run rows are configuration and bookkeeping.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    Table,
    event,
    func,
    select,
)
from sqlalchemy.orm import Session

from db.backend import backend_of
from db.chunks import chunks
from db.models import Base, LogEntry

# table -> the columns an entry covers (frozen: a revision that adds a covered column must
# leave the content of earlier rows reproducible)
COVERED: dict[str, tuple[str, ...]] = {
    "documents": ("id", "url", "source_id", "first_seen_at"),
    "captures": (
        "id", "run_id", "source_id", "document_id", "version_id", "kind", "url", "final_url",
        "fetched_at", "http_status", "headers", "content_type", "charset", "sha256",
        "raw_path", "size", "error", "gone", "archive_url", "archive_timestamp", "listing_meta",
        "method", "request_headers", "crawler", "user_agent", "proxy", "warc_file",
        "warc_record_id", "warc_offset", "warc_length"),
    "versions": (
        "id", "document_id", "sha256", "first_capture_id", "created_at", "title",
        "published_at", "publisher", "origin", "editor", "author", "doc_number", "language",
        "script", "text", "page_starts", "extractor", "extractor_version", "lexicon_version",
        "segmenter", "fingerprint", "score", "flagged"),
    "extractions": (
        "id", "version_id", "run_id", "extractor_version", "extractor", "sha256", "text",
        "page_starts", "title", "published_at", "publisher", "origin", "editor", "author",
        "doc_number", "charset", "language", "script", "created_at"),
    "hits": (
        "id", "version_id", "document_id", "start", "end", "sentence", "terms", "categories",
        "companies", "score", "lexicon_version", "extraction_id", "slots"),
    "redetections": (
        "id", "version_id", "run_id", "lexicon_version", "extractor", "score", "flagged",
        "extraction_changed", "extraction_id", "extractor_version", "hits_before",
        "hits_after", "reviews_carried", "dropped_hits", "created_at"),
    "reviews": ("id", "hit_id", "status", "note", "reviewer", "reviewed_at", "carried_from_id"),
    "document_reviews": (
        "id", "document_id", "version_id", "status", "category", "note", "reviewer",
        "reviewed_at", "lexicon_version", "score"),
    "document_status_events": (
        "id", "document_id", "capture_id", "status", "previous", "reason", "observed_at"),
    "screenshots": (
        "id", "capture_id", "document_id", "version_id", "status", "error", "sha256",
        "raw_path", "size", "width", "height", "pdf_sha256", "pdf_path", "browser",
        "rendered_at", "duration_ms", "served", "blocked", "warc_file", "warc_record_id",
        "warc_offset", "warc_length"),
}
GENESIS = "0" * 64  # the "previous entry" of the first entry
PENDING = "hash_log_pending"  # Session.info key: {table: {row id}} written, not yet logged
PG_LOCK = 7472  # advisory lock serialising appends to the chain on PostgreSQL
CHUNK = 500
ENTRY_COLUMNS = ("table_name", "row_id", "kind", "content_sha256", "prev_sha256",
                 "entry_sha256", "logged_at")


def spell(value: Any) -> str:
    """A backend-independent spelling of a column value (datetimes in UTC)."""
    speller = _SPELLERS.get(type(value))
    if speller is not None:
        return speller(value)
    if isinstance(value, datetime):
        return _spell_time(value)
    if isinstance(value, date | bool | int | float):
        return repr(int(value) if isinstance(value, bool) else value)
    return "\x00" if value is None else str(value)


def _spell_time(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


_SPELLERS: dict[type, Callable[[Any], str]] = {  # the common types, without isinstance chains
    str: str, int: repr, float: repr, date: repr, datetime: _spell_time,
    bool: lambda value: "1" if value else "0", type(None): lambda _: "\x00"}


def row_sha256(name: str, row: Sequence[Any]) -> str:
    """SHA-256 of a row of table ``name`` (its covered values in COVERED order), each value
    spelled by its column's type as :func:`spell` spells it (so a float column is a float
    whatever the driver hands back: SQLite's RETURNING gives 0 for a stored 0.0)."""
    spelled = [NULL if v is None else f(v) for f, v in zip(_spellers(name), row, strict=True)]
    return hashlib.sha256("\x1f".join(spelled).encode("utf-8")).hexdigest()


NULL = "\x00"


@cache
def _spellers(name: str) -> tuple[Callable[[Any], str], ...]:
    """One spelling function per covered column of ``name``, chosen by the column's type."""
    table = _table(name)
    return tuple(_speller(table.c[c].type) for c in COVERED[name])


def _speller(kind: Any) -> Callable[[Any], str]:
    if isinstance(kind, Float):
        return lambda value: repr(float(value))
    if isinstance(kind, Boolean):
        return lambda value: "1" if value else "0"
    if isinstance(kind, DateTime):
        return _spell_time
    if isinstance(kind, Date | Integer):
        return repr
    return str


def entry_sha256(prev: str, table: str, row_id: int, kind: str, content: str,
                 logged_at: datetime) -> str:
    """SHA-256 of one log entry: everything it says, and the entry before it."""
    return _entry_digest(prev, table, row_id, kind, content, spell(logged_at))


def _entry_digest(prev: str, table: str, row_id: int, kind: str, content: str, when: str
                  ) -> str:
    fields = (prev, table, str(row_id), kind, content, when)
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def covered_rows(conn: Connection, name: str, ids: Collection[int] | None = None,
                 after: int = 0, limit: int = CHUNK) -> list[tuple[int, str]]:
    """(row id, content SHA-256) of rows of ``name``: those in ``ids``, else the next
    ``limit`` rows after id ``after``, in id order."""
    table = _table(name)
    query = select(*covered_columns(name)).order_by(table.c.id)
    query = query.where(table.c.id.in_(list(ids))) if ids is not None else \
        query.where(table.c.id > after).limit(limit)
    return [(int(row[0]), row_sha256(name, row)) for row in conn.execute(query)]


LAST_ENTRY = select(LogEntry.entry_sha256).order_by(LogEntry.id.desc()).limit(1)


def _last_entry(conn: Connection) -> str:
    return conn.scalar(LAST_ENTRY) or GENESIS


def append(conn: Connection, rows: Iterable[tuple[str, int, str]], kind: str = "write") -> int:
    """Chain one entry per (table, row id, content SHA-256) after the last entry; one
    executemany straight to the driver (the log is on the path of every bulk write)."""
    backend = backend_of(conn)  # SQLite: the writing transaction already holds the lock
    backend.lock_appends(conn, PG_LOCK)
    prev, now, entries = _last_entry(conn), datetime.now(UTC), []
    when, stored_time = spell(now), _stored(conn, now)
    for name, row_id, content in rows:
        digest = _entry_digest(prev, name, row_id, kind, content, when)
        entries.append((name, row_id, kind, content, prev, digest, stored_time))
        prev = digest
    if entries:
        mark = backend.placeholder
        conn.exec_driver_sql(f"INSERT INTO hash_log ({', '.join(ENTRY_COLUMNS)}) VALUES "
                             f"({', '.join([mark] * len(ENTRY_COLUMNS))})", entries)
    return len(entries)


def _stored(conn: Connection, value: datetime) -> Any:
    """``value`` as the driver takes it for hash_log.logged_at (SQLite: SQLAlchemy's text)."""
    process = LogEntry.__table__.c.logged_at.type.bind_processor(conn.dialect)
    return process(value) if process else value


def covered_columns(name: str) -> list[Any]:
    """The covered columns of table ``name``, in COVERED order (for a RETURNING clause)."""
    table = _table(name)
    return [table.c[c] for c in COVERED[name]]


def log_returned(conn: Connection, returned: Mapping[str, Iterable[Sequence[Any]]]) -> int:
    """Log rows just inserted with RETURNING their covered columns ({table: rows}; as stored:
    the database's own values and defaults, no second read), in one append."""
    return append(conn, [(name, int(row[0]), row_sha256(name, row))
                         for name, rows in returned.items() for row in rows])


def log_rows(conn: Connection, written: Mapping[str, Collection[int]], kind: str = "write"
             ) -> int:
    """Log the rows named by ``written`` ({table: row ids}) as they now stand; return entries."""
    rows: list[tuple[str, int, str]] = []
    for name in COVERED:
        ids = sorted(written.get(name, ()))
        for chunk in chunks(ids, CHUNK):
            rows.extend((name, row_id, digest) for row_id, digest
                        in covered_rows(conn, name, chunk))
    return append(conn, rows, kind)


def unlogged(conn: Connection, name: str, after: int = 0, limit: int = CHUNK) -> list[int]:
    """Ids of rows of ``name`` after ``after`` that have no log entry, in id order."""
    table = _table(name)
    logged = select(LogEntry.id).where(LogEntry.table_name == name,
                                       LogEntry.row_id == table.c.id).exists()
    query = select(table.c.id).where(table.c.id > after, ~logged).order_by(table.c.id)
    return list(conn.scalars(query.limit(limit)))


def seal_existing(conn: Connection) -> int:
    """Log every covered row that has no entry yet (kind ``seal``; `evidence db upgrade`)."""
    sealed = 0
    for name in COVERED:
        after = 0
        while ids := unlogged(conn, name, after):
            sealed += log_rows(conn, {name: ids}, kind="seal")
            after = ids[-1]
    return sealed


# --- the storage layer's ORM writes: collected at each flush, logged before the commit


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    """Remember the covered rows this flush inserted."""
    for obj in session.new:
        name = getattr(obj, "__tablename__", None)
        if name in COVERED:
            session.info.setdefault(PENDING, {}).setdefault(name, set()).add(obj.id)


@event.listens_for(Session, "before_commit")
def _log_before_commit(session: Session) -> None:
    """Write the log entries of the transaction's new rows, in the same transaction."""
    session.flush()
    written = session.info.pop(PENDING, None)
    if written:
        log_rows(session.connection(), written)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


# --- checking


@dataclass(frozen=True)
class LogProblem:
    """A row or log entry that does not match the chain."""

    subject: str  # "hits row 12", "hash_log entry 40"
    detail: str


def _entries(conn: Connection, after: int, limit: int = 2000) -> list[Any]:
    query = select(LogEntry).where(LogEntry.id > after).order_by(LogEntry.id).limit(limit)
    return list(conn.execute(query))


def check_chain(conn: Connection, found: list[LogProblem]) -> int:
    """Recompute every entry's hash and its link to the entry before; return the entries."""
    prev, after, count = GENESIS, 0, 0
    while batch := _entries(conn, after):
        for e in batch:
            found.extend(_entry_problems(e, prev))
            prev, count = e.entry_sha256, count + 1
        after = batch[-1].id
    return count


def _entry_problems(e: Any, prev: str) -> list[LogProblem]:
    """What is wrong with one entry, given the hash of the entry before it."""
    subject, problems = f"hash_log entry {e.id}", []
    if e.prev_sha256 != prev:
        problems.append(LogProblem(subject, "does not follow the entry before it (an entry was "
                                            "deleted, inserted or reordered)"))
    digest = entry_sha256(e.prev_sha256, e.table_name, e.row_id, e.kind, e.content_sha256,
                          e.logged_at)
    if digest != e.entry_sha256:
        problems.append(LogProblem(subject, f"altered ({e.table_name} row {e.row_id}): its "
                                            f"fields hash to {digest[:16]}…, not "
                                            f"{e.entry_sha256[:16]}…"))
    return problems


def _logged(conn: Connection, name: str, low: int, high: int | None) -> dict[int, tuple[int, str]]:
    """row id -> (newest entry id, content SHA-256) of the entries for rows low < id <= high."""
    query = select(LogEntry.row_id, LogEntry.id, LogEntry.content_sha256).where(
        LogEntry.table_name == name, LogEntry.row_id > low).order_by(LogEntry.id)
    if high is not None:
        query = query.where(LogEntry.row_id <= high)
    return {row_id: (entry_id, digest) for row_id, entry_id, digest in conn.execute(query)}


def _compare(name: str, rows: list[tuple[int, str]], logged: dict[int, tuple[int, str]]
             ) -> Iterator[LogProblem]:
    for row_id, digest in rows:
        entry = logged.pop(row_id, None)
        if entry is None:
            yield LogProblem(f"{name} row {row_id}", "not in the hash log (written around the "
                                                     "storage layer)")
        elif entry[1] != digest:
            yield LogProblem(f"{name} row {row_id}", f"altered after it was stored (its "
                                                     f"content differs from log entry {entry[0]})")
    for row_id, (entry_id, _) in sorted(logged.items()):
        yield LogProblem(f"{name} row {row_id}", f"deleted (logged in entry {entry_id})")


def check_rows(conn: Connection, name: str, found: list[LogProblem]) -> int:
    """Compare every row of ``name`` with its newest log entry; return the rows checked."""
    after, count = 0, 0
    while True:
        rows = covered_rows(conn, name, after=after)
        high = rows[-1][0] if rows else None
        found.extend(_compare(name, rows, _logged(conn, name, after, high)))
        count += len(rows)
        if high is None:
            return count
        after = high


def chain_head(conn: Connection) -> tuple[int, str]:
    """(entries, SHA-256 of the newest entry): note it to notice a truncated log later."""
    count = conn.scalar(select(func.count(LogEntry.id))) or 0
    return int(count), _last_entry(conn)


def has_entry(conn: Connection, digest: str) -> bool:
    """Whether the log holds the entry whose SHA-256 is ``digest``."""
    query = select(LogEntry.id).where(LogEntry.entry_sha256 == digest.strip().lower())
    return conn.scalar(query.limit(1)) is not None
