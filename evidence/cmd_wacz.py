"""`evidence export-wacz`: the captures behind the selected hits as a WACZ package."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from evidence.errors import UserError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add export-wacz."""
    from evidence.commands import add_hit_filters

    p = sub.add_parser("export-wacz", parents=[common],
                       help="write a WACZ (WARC records, CDXJ index, pages, digests) of the "
                            "captures behind the hits matching the filters")
    add_hit_filters(p)
    p.add_argument("-o", "--output", required=True, help="the .wacz file to write")
    p.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    p.set_defaults(func=export_wacz)


def _target(output: str, force: bool) -> Path:
    """The output path, refused when it exists (without ``force``) or its folder does not."""
    target = Path(output).expanduser().resolve()
    if target.exists() and not force:
        raise UserError(f"{output} exists: not overwritten (pass --force to replace it)")
    if not target.parent.is_dir():
        raise UserError(f"directory {target.parent} does not exist")
    return target


def export_wacz(args: argparse.Namespace) -> int:
    """Write a WACZ of the captures behind the hits matching the filters."""
    from db.citations import archived
    from db.hits import find_hits
    from evidence.commands import hit_filter
    from evidence.wacz import Selected, WaczError, write_wacz

    target = _target(args.output, args.force)
    engine = open_database(args.db, create=False)
    with session_scope(engine) as session:
        found = find_hits(session, hit_filter(args))
        selected = [Selected(a, hit.title or hit.url) for hit in found
                    if (a := archived(session, hit.capture_id)) is not None]
    engine.dispose()
    if not found:
        raise UserError("no hits match these filters: nothing to export")
    try:
        summary = write_wacz(selected, data_dir_for(resolve_db_url(args.db)), target, args.force)
    except FileExistsError:
        raise UserError(f"{args.output} exists: not overwritten (pass --force to replace it)") \
            from None
    except WaczError as exc:
        raise UserError(str(exc)) from None
    print(f"Wrote {summary.path}: {summary.pages} pages, {summary.records} WARC records "
          f"from {len(found)} hits. Check it: `wacz validate -f {summary.path}`.")
    return 0
