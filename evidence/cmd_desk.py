"""The desk's reprocess command: extraction and detection run again over stored captures."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from evidence.plain import add_row
from evidence.services.errors import UserError


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


def _console() -> Console:
    return Console(highlight=False, emoji=False, soft_wrap=True)


def _extract_settings(engine: Any) -> Any:
    """source slug -> (encoding override, selectors), read from the source's YAML file."""
    from crawler.sources import SourceError, load_source
    from db.models import Source

    with session_scope(engine) as session:
        paths = {s.slug: s.definition_path for s in session.query(Source)}
    cache: dict[str, tuple[str | None, dict[str, str]]] = {}

    def settings(slug: str) -> tuple[str | None, dict[str, str]]:
        if slug not in cache:
            try:
                source = load_source(Path(paths.get(slug) or ""))
                cache[slug] = (source.encoding, source.selector_map())
            except (SourceError, OSError):
                cache[slug] = (None, {})  # file gone: the generic extractor, no override
        return cache[slug]

    return settings


def _detector(lexicon: Path | None) -> Any:
    from pipelines.text.detect import Detector
    from pipelines.text.lexicon import LexiconError, load_lexicon

    try:
        return Detector(load_lexicon(lexicon) if lexicon else None)
    except LexiconError as exc:
        raise UserError(f"lexicon: {exc}") from exc


def reprocess(args: argparse.Namespace) -> int:
    """Re-run extraction and detection over stored versions; resumable, never overwrites."""
    from db import reprocess as rp
    from db.models import running_extractor_version
    from db.rawstore import RawStore

    detector = _detector(args.lexicon)
    target, extractor = detector.lexicon.version, running_extractor_version()
    engine = open_database(args.db, create=False)
    raw = RawStore(data_dir_for(resolve_db_url(args.db)))
    with session_scope(engine) as session:
        run_id, resumed = rp.open_run(session, target, extractor)
        todo = rp.pending(session, target, run_id, args.all, args.source, extractor)
        stale = len(todo) if args.all else rp.to_reextract(session, todo, extractor)
    out = _console()
    out.print(f"{'Resuming' if resumed else 'Starting'} reprocess run {run_id} to lexicon "
              f"{escape(target)}, extractor version {extractor}: {len(todo)} version(s) to do, "
              f"{stale} to extract again from their raw copies")
    overlaid = {} if args.lexicon else _overlay_detectors()  # a custom lexicon: no overlays
    totals, status = _reprocess_loop(engine, raw, todo, detector, run_id, out, args.all,
                                     overlaid)
    with session_scope(engine) as session:
        rp.close_run(session, run_id, status, totals)
        dropped = rp.dropped_hits(session, run_id)
    engine.dispose()
    _reprocess_report(out, run_id, status, totals, dropped)
    return 130 if status == "interrupted" else 0


def _overlay_detectors() -> dict[str, Any]:
    """The detectors of the sources with a lexicon overlay (the demo's), by slug."""
    from crawler.sources import SourceError, source_overlays
    from pipelines.stages import shared_detector

    try:
        return {slug: shared_detector(name) for slug, name in source_overlays().items()}
    except SourceError:  # reported by `evidence sources`; those sources use the bundled lexicon
        return {}


def _reprocess_loop(engine: Any, raw: Any, todo: list[int], detector: Any, run_id: int,
                    out: Console, everything: bool = False,
                    overlaid: dict[str, Any] | None = None) -> tuple[dict[str, int], str]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from crawler.sources import SourceError, source_regions
    from db import reprocess as rp

    settings = _extract_settings(engine)
    try:
        regions = source_regions()
    except SourceError:  # a broken source file must not stop reprocessing; it is reported
        regions = {}  # by `evidence sources`
    totals = dict.fromkeys(REPROCESS_COUNTERS, 0)
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=out, transient=False) as bar:
        task = bar.add_task("reprocessing", total=len(todo))
        try:
            for version_id in todo:
                with session_scope(engine) as session:
                    got = rp.reprocess_version(session, raw, version_id, detector, settings,
                                               run_id, everything, regions, overlaid)
                _add(totals, got)
                if got.note:
                    out.print(f"version {version_id}: not extracted again: {escape(got.note)}")
                bar.advance(task)
        except KeyboardInterrupt:
            return totals, "interrupted"
    return totals, "finished"


REPROCESS_COUNTERS = ("versions", "re_extracted", "texts_changed", "new_extractions",
                      "not_re_extracted", "hits_added", "hits_disappeared", "reviews_carried")


def _add(totals: dict[str, int], got: Any) -> None:
    totals["versions"] += 1
    totals["re_extracted"] += got.reextracted
    totals["texts_changed"] += got.text_changed
    totals["new_extractions"] += got.extraction_changed  # text or metadata changed
    totals["not_re_extracted"] += got.note is not None
    totals["hits_added"] += got.new_passages
    totals["hits_disappeared"] += len(got.dropped)
    totals["reviews_carried"] += got.carried


def _reprocess_report(out: Console, run_id: int, status: str, totals: dict[str, int],
                      dropped: list[Any]) -> None:
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
