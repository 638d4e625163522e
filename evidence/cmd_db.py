"""Database administration: `evidence db upgrade` (Alembic migrations) and `evidence db copy`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from db.engine import display_url, resolve_db_url
from db.errors import StorageError


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
    from evidence.services.database import reindex, upgrade_schema

    url = resolve_db_url(args.db)
    before, head = upgrade_schema(url)
    if before == head:
        print(f"{display_url(url)}: already at schema {head}")
    else:
        print(f"{display_url(url)}: schema {before or 'none'} -> {head}")
    added = reindex(url)
    if added:
        print(f"search index: {added} version(s) indexed")
    return 0


def copy(args: argparse.Namespace) -> int:
    """Copy raw files, then all rows in one transaction; rebuild the search index; verify."""
    from evidence.services.database import copy_database

    copied = copy_database(args.source, args.target,
                           Path(args.from_data).resolve() if args.from_data else None,
                           Path(args.to_data).resolve() if args.to_data else None)
    return _report(copied.rows, copied.checks, copied.raw_files)


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
