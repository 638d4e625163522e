"""The timestamp command: RFC 3161 timestamps of the run manifests that lack one."""

from __future__ import annotations

import argparse
from typing import Any

from evidence.services.errors import UserError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add timestamp."""
    p = sub.add_parser("timestamp", parents=[common],
                       help="obtain RFC 3161 timestamps for run manifests that lack one")
    p.add_argument("--pending", action="store_true", required=True,
                   help="stamp every manifest not yet timestamped (with the configured TSA), "
                        "first building those of ended runs that have none")
    p.set_defaults(func=timestamp)


def timestamp(args: argparse.Namespace) -> int:
    """Stamp the pending manifests; one line each; exit 1 when any failed."""
    from db.engine import data_dir_for, open_database, resolve_db_url
    from evidence.services.timestamp import NOT_CONFIGURED, configured_tsa, stamp_pending

    tsa = configured_tsa()
    if tsa is None:
        raise UserError(f"{NOT_CONFIGURED}: set tsa_url in evidence.toml or $EVIDENCE_TSA_URL")
    engine = open_database(args.db, create=False)
    outcomes = stamp_pending(engine, data_dir_for(resolve_db_url(args.db)), tsa)
    engine.dispose()
    for outcome in outcomes:
        print(outcome.line())
    failed = sum(bool(o.error) for o in outcomes)
    print(f"{len(outcomes) - failed} manifests timestamped, {failed} failed"
          if outcomes else "every manifest is timestamped: nothing pending")
    return 1 if failed else 0
