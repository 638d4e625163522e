"""Resolve the database URL, open engines and sessions, create the schema."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
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
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """Return the file path of a SQLite URL, or None for other backends."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def data_dir_for(url: str) -> Path:
    """Return the raw-capture directory: $EVIDENCE_DATA_DIR, else beside the SQLite file."""
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


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys."""
    try:
        path = sqlite_path(url)
        if path is not None:
            _check_sqlite_location(path)
        engine = create_engine(url, future=True)
    except (ArgumentError, ValueError) as exc:
        raise StorageError(f"invalid database URL {url!r}: {exc}") from exc
    except ModuleNotFoundError as exc:
        raise StorageError(f"database driver missing for {url!r}: {exc.name}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def init_db(engine: Engine) -> None:
    """Create all tables that do not exist yet."""
    try:
        Base.metadata.create_all(engine)
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise StorageError(f"cannot open database {engine.url!r}: {reason}") from exc


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
