"""`evidence export-wacz`: the captures behind the selected hits as a WACZ package."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from db.engine import data_dir_for, resolve_db_url
from evidence.services.errors import UserError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add export-wacz."""
    from evidence.hit_options import add_hit_filters

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
    from evidence.hit_options import hit_filter
    from evidence.services.wacz import WaczError, wacz_of_hits

    target = _target(args.output, args.force)
    try:
        summary, hits = wacz_of_hits(args.db, hit_filter(args), data_dir_for(
            resolve_db_url(args.db)), target, args.force)
    except FileExistsError:
        raise UserError(f"{args.output} exists: not overwritten (pass --force to replace it)") \
            from None
    except WaczError as exc:
        raise UserError(str(exc)) from None
    print(f"Wrote {summary.path}: {summary.pages} pages, {summary.records} WARC records "
          f"from {hits} hits. Check it: `wacz validate -f {summary.path}`.")
    return 0
