"""`evidence reprocess`: re-run extraction and detection over stored captures."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from db.engine import data_dir_for, open_database, resolve_db_url
from evidence.plain import add_row
from evidence.services.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from db.rawstore import RawStore
    from db.reprocess import DroppedHit, Outcome
    from evidence.services.reprocess import Plan
    from pipelines.text.detect import Detector


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add reprocess."""
    p = sub.add_parser("reprocess", parents=[common],
                       help="re-run extraction and detection over stored captures")
    p.add_argument("--lexicon", type=Path, help="lexicon directory (default: the bundled one)")
    p.add_argument("--source", help="only versions from this source slug")
    p.add_argument("--all", action="store_true",
                   help="every version, also those already on this lexicon and extractor "
                        "version: extract each raw copy again (after a selector edit)")
    p.set_defaults(func=reprocess)


def _detector(lexicon: Path | None) -> Detector:
    from pipelines.text.detect import Detector
    from pipelines.text.lexicon import LexiconError, load_lexicon

    try:
        return Detector(load_lexicon(lexicon) if lexicon else None)
    except LexiconError as exc:
        raise UserError(f"lexicon: {exc}") from exc


def reprocess(args: argparse.Namespace) -> int:
    """Re-run extraction and detection over stored versions; resumable, never overwrites."""
    from db.models import running_extractor_version
    from db.rawstore import RawStore
    from evidence.services import reprocess as service

    detector = _detector(args.lexicon)
    target, extractor = detector.lexicon.version, running_extractor_version()
    engine = open_database(args.db, create=False)
    raw = RawStore(data_dir_for(resolve_db_url(args.db)))
    plan = service.start(engine, detector, args.all, args.source)
    out = Console(highlight=False, emoji=False, soft_wrap=True)
    out.print(f"{'Resuming' if plan.resumed else 'Starting'} reprocess run {plan.run_id} to "
              f"lexicon {escape(target)}, extractor version {extractor}: {len(plan.todo)} "
              f"version(s) to do, {plan.stale} to extract again from their raw copies")
    overlaid = {} if args.lexicon else service.overlay_detectors()  # custom lexicon: no overlays
    totals, status = _run_with_progress(engine, raw, plan, detector, out, args.all, overlaid)
    dropped = service.finish(engine, plan.run_id, status, totals)
    engine.dispose()
    _report(out, plan.run_id, status, totals, dropped)
    return 130 if status == "interrupted" else 0


def _run_with_progress(engine: Engine, raw: RawStore, plan: Plan, detector: Detector,
                       out: Console, everything: bool, overlaid: dict[str, Detector]
                       ) -> tuple[dict[str, int], str]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from evidence.services import reprocess as service

    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=out, transient=False) as bar:
        task = bar.add_task("reprocessing", total=len(plan.todo))

        def done(version_id: int, got: Outcome) -> None:
            if got.note:
                out.print(f"version {version_id}: not extracted again: {escape(got.note)}")
            bar.advance(task)

        return service.run(engine, raw, plan, detector, everything, overlaid, done)


def _report(out: Console, run_id: int, status: str, totals: dict[str, int],
            dropped: list[DroppedHit]) -> None:
    t = totals
    out.print(f"Run {run_id} {status}: {t['versions']} version(s) reprocessed; "
              f"re-extracted {t['re_extracted']} (texts changed {t['texts_changed']}, new "
              f"extractions stored {t['new_extractions']}, not re-extracted "
              f"{t['not_re_extracted']}); hits added {t['hits_added']}, hits disappeared "
              f"{t['hits_disappeared']}; reviews carried over {t['reviews_carried']}")
    if status == "interrupted":
        out.print("Interrupted: finished versions are saved; run the same command to resume.")
    if dropped:
        table = Table("hit", "version", "lexicon", "review", "sentence",
                      title=f"{len(dropped)} hit(s) not found again (kept, superseded)")
        for d in dropped:
            add_row(table, d.hit_id, d.version_id, d.lexicon_version,
                    (d.review or "").replace("_", "-"), d.sentence)
        out.print(table)
