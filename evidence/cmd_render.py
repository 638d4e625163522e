"""The render command: screenshots of stored captures in headless Chromium."""

from __future__ import annotations

import argparse
from typing import Any

from evidence.argtypes import row_id
from evidence.services.errors import UserError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add render."""
    p = sub.add_parser("render", parents=[common],
                       help="screenshots (PNG, PDF) of stored pages rendered from their stored "
                            "bytes in headless Chromium, with no network")
    p.add_argument("--pending", action="store_true",
                   help="pages with hits that have no screenshot yet (the default without "
                        "--source or --doc)")
    p.add_argument("--retry-failed", action="store_true",
                   help="pages whose every rendering failed (a timeout on a busy machine, say): "
                        "render them again (with --pending: those too)")
    p.add_argument("--source", help="only this source's pages (without --pending: all of them)")
    p.add_argument("--doc", type=row_id, help="only this document (without --pending: every "
                                              "version of it, hits or not)")
    p.add_argument("--workers", type=int, default=2, help="browsers at a time (default 2)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds a page may take before it is recorded as failed (default 30)")
    p.set_defaults(func=render)


def render(args: argparse.Namespace) -> int:
    """Render the selected captures; exit 1 when any failed (each is recorded with its reason)."""
    from evidence.services.render import Selection, render_selected

    if args.workers < 1 or args.timeout <= 0:
        raise UserError("--workers and --timeout must be positive")
    pending = args.pending or (args.source is None and args.doc is None
                                and not args.retry_failed)
    chosen = Selection(args.source, args.doc, pending, args.retry_failed)
    summary = render_selected(args.db, chosen, workers=args.workers, timeout=args.timeout,
                              progress=lambda o: print(f"{'ok' if o.error is None else 'FAILED'}"
                                                       f"  {o.duration_ms / 1000:.1f}s  "
                                                       f"{o.job.url}"
                                                       f"{'  ' + o.error if o.error else ''}"))
    print(f"{summary.rendered} rendered, {len(summary.failed)} failed, "
          f"{summary.seconds:.1f}s")
    if summary.timestamp:
        print(f"Timestamp: {summary.timestamp}")
    return 1 if summary.failed else 0
