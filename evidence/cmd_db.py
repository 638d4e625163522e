"""Database administration: `evidence db upgrade` (Alembic migrations) and `evidence db copy`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from db.engine import (
    check_sqlite_file,
    data_dir_for,
    display_url,
    is_read_only,
    make_engine,
    open_database,
    resolve_db_url,
    session_scope,
    sqlite_path,
)
from db.errors import StorageError
from evidence.services.errors import UserError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `db upgrade` and `db copy`."""
    db = sub.add_parser("db", parents=[common], help="upgrade the schema; copy to PostgreSQL")
    actions = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    p = actions.add_parser("upgrade", parents=[common],
                           help="bring the database (--db) to this release's schema")
    p.set_defaults(func=upgrade)
    p = actions.add_parser("copy", parents=[common],
                           help="copy a whole evidence base into an empty database, verified")
    p.add_argument("--from", dest="source", required=True, help="source file or database URL")
    p.add_argument("--to", dest="target", required=True, help="target database URL (empty)")
    p.add_argument("--from-data", help="source raw-capture directory (default: as for --db)")
    p.add_argument("--to-data", help="target raw-capture directory (default: as for --db)")
    p.set_defaults(func=copy)


def upgrade(args: argparse.Namespace) -> int:
    """Run every migration the database lacks, then index what the search index lacks (a
    revision may empty it: 0006); print the revisions."""
    from db import migrations

    url = resolve_db_url(args.db)
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
            before, head = migrations.upgrade(conn)
    except StorageError:
        raise
    except Exception as exc:  # noqa: BLE001 - SQL and Alembic failures become one line
        raise StorageError(f"cannot upgrade {display_url(url)}: {exc}") from exc
    finally:
        engine.dispose()
    if before == head:
        print(f"{display_url(url)}: already at schema {head}")
    else:
        print(f"{display_url(url)}: schema {before or 'none'} -> {head}")
    _reindex(url)
    return 0


def _reindex(url: str) -> None:
    """Index every version the search index lacks, saying how many."""
    from db.search import sync_index
    from evidence.services.database import database_session

    with database_session(url) as session:
        added = sync_index(session)
    if added:
        print(f"search index: {added} version(s) indexed")


def copy(args: argparse.Namespace) -> int:
    """Copy raw files, then all rows in one transaction; rebuild the search index; verify."""
    from db import transfer
    from db.search import sync_index

    source_url, target_url = resolve_db_url(args.source), resolve_db_url(args.target)
    if source_url == target_url:
        raise UserError("--from and --to name the same database")
    path = sqlite_path(source_url)
    if path is not None and not path.exists():
        raise UserError(f"--from: no database at {path}")
    source, target = open_database(source_url, create=False), open_database(target_url)
    with source.connect() as src, target.begin() as dst:
        transfer.ensure_empty(dst)
        moved = _copy_raw(args, source_url, target_url, transfer.raw_references(src))
        copied = transfer.copy_rows(src, dst)  # one transaction: all rows or none
        transfer.reset_sequences(dst)
    with session_scope(target) as session:
        sync_index(session)
    checks = transfer.compare(source, target)
    source.dispose()
    target.dispose()
    return _report(copied, checks, moved)


def _copy_raw(args: argparse.Namespace, source_url: str, target_url: str, files: list[str]
              ) -> str:
    """Copy the raw files the rows name, unless both sides use one directory."""
    from db import transfer

    src = Path(args.from_data).resolve() if args.from_data else data_dir_for(source_url)
    dst = Path(args.to_data).resolve() if args.to_data else data_dir_for(target_url)
    if src == dst:
        return f"raw files: {len(files)} stay in {dst}"
    copied, present = transfer.copy_files(src, dst, files)
    return f"raw files: {copied} copied, {present} already there, into {dst}"


def _report(copied: dict[str, int], checks: list[Any], moved: str) -> int:
    """Print rows copied and the verification; non-zero when a table differs."""
    bad = [c for c in checks if not c.ok]
    print(f"copied {sum(copied.values())} rows in {len(copied)} tables; {moved}")
    for check in bad:
        print(f"MISMATCH {check.table}: {check.source_rows} rows -> {check.target_rows}, "
              f"checksum {check.source_sum[:12]} -> {check.target_sum[:12]}")
    if bad:
        raise StorageError(f"copy differs from its source in {len(bad)} table(s)")
    print(f"verified: every table has the same row count and checksum ({len(checks)} tables)")
    return 0
