"""Resolve the database URL, open engines and sessions, create or check the schema.

SQLite (a file) and PostgreSQL (``postgresql://user@host/db``, driven by psycopg 3) run the same
models and queries. A new database is created at the newest migration and stamped; one made by
an older release is refused until ``evidence db upgrade`` has run (db/migrations).

Commands that only read open with ``create=False``: a missing, empty or foreign file is then a
one-line error, and nothing is ever written into it. A SQLite file this process cannot write
(the file or its directory is read-only) is opened read-only (URI ``mode=ro``), so it can still
be read; writing to it fails with :class:`ReadOnlyDatabase`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote

from sqlalchemy import Connection, Engine, MetaData, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db import ledger  # noqa: F401  (registers the hash log's session listeners)
from db.backend import SQLITE, backend_named, backend_of
from db.errors import ReadOnlyDatabase, StorageError
from db.models import Base

DEFAULT_DB = "evidence.db"
SQLITE_HEADER = b"SQLite format 3\x00"


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
    """Return the file path of a SQLite URL (also a ``file:`` URI), or None for other backends."""
    parsed = make_url(url)
    if backend_named(parsed.get_backend_name()) is not SQLITE or not parsed.database:
        return None
    if parsed.database.startswith("file:") and parsed.query.get("uri") == "true":
        return Path(unquote(parsed.database[len("file:"):]))
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


def check_sqlite_file(path: Path, create: bool) -> None:
    """Fail with one line unless ``path`` is a SQLite file (missing or empty only to create)."""
    if not path.exists():
        if not create:
            raise StorageError(f"no database at {path} (run `evidence demo` or `evidence crawl` "
                               "first)")
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(f"--db {path}: cannot read it: {exc.strerror or exc}") from exc
    if not head and not create:
        raise StorageError(f"--db {path} is an empty file, not an evidence database "
                           "(nothing was written to it)")
    if head and head != SQLITE_HEADER:
        raise StorageError(f"--db {path} is not a SQLite database (nothing was written to it)")


def cannot_write(path: Path) -> bool:
    """Whether this process may not write the SQLite file, or create its WAL files beside it."""
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def read_only_url(path: Path) -> str:
    """A URL opening the SQLite file read-only; ``immutable`` when its directory is read-only
    and it has no WAL files (SQLite could not create the shared-memory file it needs)."""
    url = f"sqlite:///file:{quote(str(path))}?mode=ro&uri=true"
    wal = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    if not os.access(path.parent, os.W_OK) and not any(p.exists() for p in wal):
        url += "&immutable=1"
    return url


def is_read_only(engine: Engine) -> bool:
    """Whether ``engine`` was opened read-only (SQLite ``mode=ro``, PostgreSQL read-only)."""
    return backend_of(engine).is_read_only(engine)


def make_engine(url: str, read_only: bool = False) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys. With ``read_only``,
    or for a SQLite file this process cannot write, the engine can only read."""
    url = driver_url(url)
    try:
        path = sqlite_path(url)
        if path is not None:
            _check_sqlite_location(path)
            read_only = read_only or cannot_write(path)
            url = read_only_url(path) if read_only else url
        backend = backend_named(make_url(url).get_backend_name())
        engine = create_engine(url, future=True, **backend.engine_options())
    except (ArgumentError, ValueError) as exc:
        raise StorageError(f"invalid database URL {display_url(url)!r}: {exc}") from exc
    except ModuleNotFoundError as exc:
        raise StorageError(f"database driver missing for {display_url(url)!r}: {exc.name}"
                           ) from exc
    return backend_of(engine).configure(engine, read_only)


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's own message, first line only."""
    reason = str(getattr(exc, "orig", None) or exc).strip()
    return reason.splitlines()[0] if reason else type(exc).__name__


def _models_copy() -> MetaData:
    """A copy of the models' tables: creating them on PostgreSQL marks the versions<->captures
    constraint as ALTER-only on the copy, not on the models (SQLite would then lose it)."""
    copy = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(copy)
    return copy


def _prepare(conn: Connection, url: str, create: bool = True) -> None:
    """Create and stamp an empty database (only with ``create``); refuse one whose schema is not
    the newest."""
    from db import migrations

    if migrations.is_empty(conn) and not create:
        raise StorageError(f"{display_url(url)} holds no evidence tables: not an evidence "
                           "database (nothing was written to it)")
    if migrations.is_empty(conn):
        backend_of(conn).lock_for_creation(conn)
    if migrations.is_empty(conn):
        _models_copy().create_all(conn)
        backend_of(conn).create_search_table(conn)
        migrations.stamp_head(conn)
        return
    found, head = migrations.current(conn), migrations.head()
    if found != head:
        raise StorageError(f"database {display_url(url)} is at schema {found}, this release needs "
                           f"{head}: run `evidence db upgrade --db {display_url(url)}`")


def _where(engine: Engine) -> str:
    """The database as the user named it: the SQLite file, else the URL without password."""
    path = sqlite_path(str(engine.url))
    return str(path) if path is not None else display_url(str(engine.url))


def init_db(engine: Engine, create: bool = True) -> None:
    """Create (and stamp) the schema of an empty database (only with ``create``), or check an
    existing one's."""
    try:
        with engine.begin() as conn:
            _prepare(conn, _where(engine), create)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot open database {_where(engine)}: {_reason(exc)}") from exc


def open_database(db: str | None = None, *, create: bool = True, read_only: bool = False
                  ) -> Engine:
    """Resolve, open and (with ``create``) initialise the database named by ``db``.

    Without ``create`` the database must exist and hold the schema; ``read_only`` opens it so
    that nothing can be written (a SQLite file this process cannot write always is).
    """
    url = resolve_db_url(db)
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_file(path, create)
    engine = make_engine(url, read_only)
    if create and is_read_only(engine):
        engine.dispose()
        raise ReadOnlyDatabase(f"database {path or display_url(url)} is read-only (the file or "
                               "its directory is not writable): cannot write to it")
    # an existing file is checked through a read-only connection: a foreign SQLite file must
    # not even be switched to WAL mode
    probe = make_engine(url, read_only=True) if path is not None and not create else engine
    try:
        init_db(probe, create)
    except BaseException:
        engine.dispose()
        raise
    finally:
        if probe is not engine:
            probe.dispose()
    return engine


def read_only_error(engine: Engine, exc: BaseException) -> ReadOnlyDatabase | None:
    """The one-line error for a write refused because the database is read-only, else None."""
    reason = str(getattr(exc, "orig", None) or exc)
    readonly = "readonly database" in reason or "read-only transaction" in reason
    if not isinstance(exc, SQLAlchemyError) or not readonly:
        return None
    return ReadOnlyDatabase(f"database {_where(engine)} is read-only (the file or its directory "
                            "is not writable): nothing was written")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on error; a write refused by a
    read-only database becomes :class:`ReadOnlyDatabase`."""
    factory = sessionmaker(engine, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        refused = read_only_error(engine, exc)
        if refused is not None:
            raise refused from exc
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
