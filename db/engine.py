"""Resolve the database URL, open engines and sessions, create or check the schema.

SQLite (a file) and PostgreSQL (``postgresql://user@host/db``, driven by psycopg 3) run the same
models and queries. A new database is created at the newest migration and stamped; one made by
an older release is refused until ``evidence db upgrade`` has run (db/migrations).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.errors import StorageError
from db.models import Base

DEFAULT_DB = "evidence.db"


def resolve_db_url(db: str | None = None) -> str:
    """Return the database URL from ``--db``, else $EVIDENCE_DB, else ./evidence.db."""
    value = db or os.environ.get("EVIDENCE_DB") or DEFAULT_DB
    if "://" in value:
        return driver_url(value)
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def driver_url(url: str) -> str:
    """Name psycopg 3 as the driver of a plain ``postgresql://`` (or ``postgres://``) URL."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def display_url(url: str) -> str:
    """The URL without its password, to print."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def sqlite_path(url: str) -> Path | None:
    """Return the file path of a SQLite URL, or None for other backends."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def data_dir_for(url: str) -> Path:
    """Return the raw-capture directory: $EVIDENCE_DATA_DIR, else beside the SQLite file, else
    ./evidence-data (a server database has no file to sit beside)."""
    env = os.environ.get("EVIDENCE_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    path = sqlite_path(url)
    if path is None:
        return Path("evidence-data").resolve()
    return path.with_name(path.stem + "-data")


def _check_sqlite_location(path: Path) -> None:
    """Fail with one clear line when the SQLite file cannot be created or opened."""
    if path.is_dir():
        raise StorageError(f"--db {path} is a directory, not a database file")
    if not path.parent.is_dir():
        raise StorageError(f"--db {path}: directory {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK) and not path.exists():
        raise StorageError(f"--db {path}: directory {path.parent} is not writable")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _engine_options(url: str) -> dict[str, Any]:
    """Per-backend options: PostgreSQL sessions run in UTC and drop dead pooled connections."""
    if make_url(url).get_backend_name() == "postgresql":
        return {"pool_pre_ping": True, "connect_args": {"options": "-c timezone=UTC"}}
    return {}


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys."""
    url = driver_url(url)
    try:
        path = sqlite_path(url)
        if path is not None:
            _check_sqlite_location(path)
        engine = create_engine(url, future=True, **_engine_options(url))
    except (ArgumentError, ValueError) as exc:
        raise StorageError(f"invalid database URL {display_url(url)!r}: {exc}") from exc
    except ModuleNotFoundError as exc:
        raise StorageError(f"database driver missing for {display_url(url)!r}: {exc.name}"
                           ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's own message, first line only."""
    reason = str(getattr(exc, "orig", None) or exc).strip()
    return reason.splitlines()[0] if reason else type(exc).__name__


def _lock(conn: Connection) -> None:
    """Serialise concurrent creators of one new database until this transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7471)"))
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _models_copy() -> MetaData:
    """A copy of the models' tables: creating them on PostgreSQL marks the versions<->captures
    constraint as ALTER-only on the copy, not on the models (SQLite would then lose it)."""
    copy = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(copy)
    return copy


def _prepare(conn: Connection, url: str) -> None:
    """Create and stamp an empty database; refuse one whose schema is not the newest."""
    from db import migrations
    from db.search import create_search_table

    if migrations.is_empty(conn):
        _lock(conn)
    if migrations.is_empty(conn):
        _models_copy().create_all(conn)
        create_search_table(conn)
        migrations.stamp_head(conn)
        return
    found, head = migrations.current(conn), migrations.head()
    if found != head:
        raise StorageError(f"database {display_url(url)} is at schema {found}, this release needs "
                           f"{head}: run `evidence db upgrade --db {display_url(url)}`")


def init_db(engine: Engine) -> None:
    """Create (and stamp) the schema of an empty database, or check an existing one's."""
    try:
        with engine.begin() as conn:
            _prepare(conn, str(engine.url.render_as_string(hide_password=False)))
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot open database {display_url(str(engine.url))}: "
                           f"{_reason(exc)}") from exc


def open_database(db: str | None = None, *, create: bool = True) -> Engine:
    """Resolve, open and (optionally) initialise the database named by ``db``."""
    url = resolve_db_url(db)
    path = sqlite_path(url)
    if not create and path is not None and not path.exists():
        raise StorageError(f"no database at {path} (run `evidence demo` or `evidence crawl` first)")
    engine = make_engine(url)
    init_db(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on error."""
    factory = sessionmaker(engine, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
