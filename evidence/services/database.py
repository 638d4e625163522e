"""The database a command names: opened for a service, upgraded to this release's schema, or
copied whole into another."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.engine import data_dir_for, open_database, session_scope

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


def upgrade_schema(url: str) -> tuple[str | None, str]:
    """Run every migration the database at ``url`` lacks; return the revisions before and now
    (a StorageError in one line when it cannot be upgraded)."""
    from db import migrations
    from db.engine import check_sqlite_file, display_url, is_read_only, make_engine, sqlite_path
    from db.errors import StorageError

    path = sqlite_path(url)
    if path is not None:
        check_sqlite_file(path, create=False)  # missing, empty or foreign: one line, untouched
    engine = make_engine(url)
    if is_read_only(engine):
        engine.dispose()
        raise StorageError(f"database {path} is read-only (the file or its directory is not "
                           "writable): cannot upgrade it")
    try:
        with engine.begin() as conn:
            return migrations.upgrade(conn)
    except StorageError:
        raise
    except Exception as exc:  # noqa: BLE001 - SQL and Alembic failures become one line
        raise StorageError(f"cannot upgrade {display_url(url)}: {exc}") from exc
    finally:
        engine.dispose()


def reindex(db: str | None) -> int:
    """Index every version the search index lacks; return how many."""
    from db.search import sync_index

    with database_session(db) as session:
        return sync_index(session)


@dataclass(frozen=True)
class Copied:
    """A database copied: rows by table, the per-table checks, what became of the raw files."""

    rows: dict[str, int]
    checks: list[Any]
    raw_files: str


def copy_database(source: str, target: str, from_data: Path | None = None,
                  to_data: Path | None = None) -> Copied:
    """Copy raw files, then all rows in one transaction into the empty ``target``; rebuild
    its search index; compare every table."""
    from db import transfer
    from db.engine import resolve_db_url, sqlite_path
    from db.search import sync_index
    from evidence.services.errors import UserError

    source_url, target_url = resolve_db_url(source), resolve_db_url(target)
    if source_url == target_url:
        raise UserError("--from and --to name the same database")
    path = sqlite_path(source_url)
    if path is not None and not path.exists():
        raise UserError(f"--from: no database at {path}")
    src_engine, dst_engine = open_database(source_url, create=False), open_database(target_url)
    with src_engine.connect() as src, dst_engine.begin() as dst:
        transfer.ensure_empty(dst)
        moved = _copy_raw(from_data or data_dir_for(source_url),
                          to_data or data_dir_for(target_url), transfer.raw_references(src))
        copied = transfer.copy_rows(src, dst)  # one transaction: all rows or none
        transfer.reset_sequences(dst)
    with session_scope(dst_engine) as session:
        sync_index(session)
    checks = transfer.compare(src_engine, dst_engine)
    src_engine.dispose()
    dst_engine.dispose()
    return Copied(copied, checks, moved)


def _copy_raw(src: Path, dst: Path, files: list[str]) -> str:
    """Copy the raw files the rows name, unless both sides use one directory."""
    from db import transfer

    if src == dst:
        return f"raw files: {len(files)} stay in {dst}"
    copied, present = transfer.copy_files(src, dst, files)
    return f"raw files: {copied} copied, {present} already there, into {dst}"
