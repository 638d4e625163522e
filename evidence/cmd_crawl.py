"""The crawl commands: demo, crawl and sources; each prints what the crawl found."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from db.engine import data_dir_for, resolve_db_url
from evidence.plain import add_row, console
from evidence.services.errors import UserError
from evidence.services.slots import format_slots

if TYPE_CHECKING:
    from evidence.services.crawl import Watch


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add demo, crawl and sources."""
    p = sub.add_parser("demo", parents=[common], help="serve the bundled demo site and crawl it")
    p.add_argument("--top", type=int, default=5, help="how many top hits to print")
    p.add_argument("--port", type=int, help="port on 127.0.0.1 (default 8741 if free, else any)")
    p.add_argument("--no-render", action="store_true",
                   help="no screenshots (about a minute quicker; `evidence render --pending` "
                        "takes them later)")
    _crawl_options(p, demo)

    p = sub.add_parser("crawl", parents=[common], help="crawl sources into the database")
    p.add_argument("sources", nargs="*", help="source slugs (see `evidence sources`)")
    p.add_argument("--all", action="store_true", help="crawl every source")
    p.add_argument("--render", action="store_true",
                   help="then screenshot the pages with hits in headless Chromium (as "
                        "`evidence render --pending`), before the run's manifest is sealed")
    _crawl_options(p, crawl)

    p = sub.add_parser("sources", parents=[common], help="list the source definitions")
    p.set_defaults(func=sources)


def _crawl_options(parser: argparse.ArgumentParser, func: Callable[[argparse.Namespace], int]
                   ) -> None:
    """Add the options demo and crawl share; ``func`` runs the command."""
    parser.add_argument("--full", action="store_true",
                        help="fetch every article again, not only those not yet stored")
    parser.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                        help="no live progress display (the default when not on a terminal)")
    parser.add_argument("--queue", default=os.environ.get("EVIDENCE_QUEUE_URL"),
                        metavar="REDIS_URL",
                        help="share the crawl with other workers through this Redis server "
                             "(env EVIDENCE_QUEUE_URL; docs/team.md)")
    parser.add_argument("--crawl-id", default=os.environ.get("EVIDENCE_CRAWL_ID"),
                        help="name of the shared crawl the workers join "
                             "(default nightly-<UTC date>)")
    parser.set_defaults(func=func)


def _progress(args: argparse.Namespace) -> Watch:
    """The live progress table on standard error: on a terminal, unless --progress says."""
    from evidence.progress import Progress

    show = sys.stderr.isatty() if args.progress is None else args.progress
    return lambda crawlers: Progress(crawlers, enabled=show)


def _run_and_report(slugs: list[str], args: argparse.Namespace, top: int,
                    recheck_days: float | None = None, render: bool = False) -> int:
    """Crawl under the lock, write the morning report, print the summary."""
    from evidence.services.crawl import run_crawl
    from evidence.services.lock import EXIT_LOCKED, LockedError
    from evidence.services.report import write_run_report
    from evidence.services.shared_queue import SharedQueue

    queue = SharedQueue.from_options(args.queue, args.crawl_id)
    if queue is not None and queue.finished_before(queue.connect(), slugs):
        print(f"note: crawl {queue.crawl_id} already ran to the end on {queue.url}; nothing "
              "is left to fetch (pass --crawl-id to start another)")
    try:
        incremental = not args.full and os.environ.get("EVIDENCE_INCREMENTAL", "1") not in (
            "0", "false", "no")
        outcome = run_crawl(slugs, args.db, incremental=incremental, watch=_progress(args),
                            queue=queue, recheck_days=recheck_days, render=render)
    except LockedError as exc:
        print(f"evidence: {exc}; not starting a second one", file=sys.stderr)
        return EXIT_LOCKED
    if outcome.killed_runs:
        print(f"note: run(s) {', '.join(map(str, outcome.killed_runs))} had been killed; "
              "this run picks up what they did not store")
    _print_summary(args.db, outcome.run_id, outcome.log_file, top=top)
    for line in outcome.screenshots:
        print(line)
    print(f"Timestamp: {outcome.timestamp}")
    md, _ = write_run_report(args.db, outcome.run_id)
    print(f"Report: {md} (and .html)")
    if outcome.status != "finished":
        print(f"evidence: run {outcome.run_id} is {outcome.status}{_why(outcome.stats)} "
              f"(details in {outcome.log_file})", file=sys.stderr)
    return 0 if outcome.status == "finished" else 1


def _why(stats: dict[str, Any]) -> str:
    """What stopped a crawl early, when the counters say."""
    if stats.get("evidence/store_writer_died"):
        unstored = int(stats.get("evidence/items/unstored", 0))
        return (": the writer process died; what it stored is kept, and the "
                f"{unstored} fetched pages it had not stored are fetched again next time")
    failed = [f"{key.split('/', 1)[1]} {int(n)}" for key, n in stats.items()
              if key.startswith("parse_failed/")]
    if failed:
        return (": pages not parsed to their end (an error in the spider; the links after it "
                f"were not followed): {', '.join(failed)}")
    return ""


def _known_slugs(wanted: Iterable[str]) -> list[str]:
    from crawler.sources import load_sources

    sources = load_sources()
    unknown = [slug for slug in wanted if slug not in sources]
    if unknown:
        raise UserError(f"unknown source(s): {', '.join(unknown)} (see `evidence sources`)")
    return list(wanted) or sorted(sources)


def crawl(args: argparse.Namespace) -> int:
    """Crawl named sources (or --all) into the database and print a summary."""
    if not args.sources and not args.all:
        raise UserError("name at least one source, or pass --all")
    slugs = _known_slugs([] if args.all else args.sources)
    return _run_and_report(slugs, args, top=5, render=args.render)


def demo(args: argparse.Namespace) -> int:
    """Serve the bundled demo site on 127.0.0.1, crawl it as first published and again a day
    later (evidence/services/demo_later.py), screenshot the pages with hits after each crawl,
    timestamp the runs' manifests with a local demo TSA (evidence/services/demo_stamps.py),
    print what was found."""
    from demo.server import DEMO_ORIGIN, DemoServer
    from evidence.services.demo_later import NEVER, demo_port
    from evidence.services.demo_stamps import demo_timestamps

    data_dir = data_dir_for(resolve_db_url(args.db))
    with DemoServer(port=demo_port(args.port)) as server, \
            demo_timestamps(data_dir) as stamps:
        os.environ["EVIDENCE_DEMO_URL"] = server.url  # the demo sources' proxy
        slugs = [slug for slug in _known_slugs([]) if slug.startswith("demo-")]
        print(f"Demo site (invented content) at {DEMO_ORIGIN}, served on {server.url}; "
              f"crawling {', '.join(slugs)} …\n{stamps}")
        if args.no_render:
            print("Screenshots: not taken (--no-render); `evidence render --pending` takes them")
        status = _run_and_report(slugs, args, top=args.top, recheck_days=NEVER,
                                 render=not args.no_render)
        if status != 0 or args.queue:
            return status
        server.later = True
        return _demo_later(args, server.url)


def _demo_later(args: argparse.Namespace, proxy: str) -> int:
    """Crawl the demo site as it is a day later; print that run's summary."""
    from evidence.services.demo_later import LATER_SOURCES, crawl_later, latest_run_id
    from evidence.services.report import write_run_report

    print(f"\nA day later the demo site has changed (one article revised, one deleted): "
          f"crawling {', '.join(LATER_SOURCES)} again, re-checking its stored pages …")
    done = crawl_later(args.db, proxy, render=not args.no_render)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        return done.returncode
    run_id = latest_run_id(args.db)
    log_file = data_dir_for(resolve_db_url(args.db)) / "logs" / f"run-{run_id}.log"
    _print_summary(args.db, run_id, log_file, top=0)
    for line in done.stdout.splitlines():  # the child's screenshots and timestamp
        if line.startswith(("Screenshots", "  failed: ", "Timestamp: ")):
            print(line)
    md, _ = write_run_report(args.db, run_id)
    print(f"Report: {md} (and .html)")
    return 0


def _print_summary(db: str | None, run_id: int, log_file: Path, top: int) -> None:
    """Print a run's counts, what it found already stored, and the best hits."""
    from evidence.services.runs import summarise_run

    outcome = summarise_run(db, run_id, top)
    summary, best = outcome.summary, outcome.best
    out = console()
    out.print(f"\n[bold]Run {run_id}[/bold]: {summary.pages} pages fetched, "
              f"{summary.new_documents} new documents ({summary.documents_total} in the "
              f"database), {summary.flagged_documents} flagged, {summary.hits_total} hits")
    _print_notes(out, summary)
    errors = ", ".join(f"{k} {v}" for k, v in summary.errors.items()) or "none"
    out.print(f"Errors (recorded, crawl went on): {sum(summary.errors.values())} — {errors}",
              markup=False)
    cats = ", ".join(f"{k} {v}" for k, v in summary.hits_by_category.items()) or "none"
    out.print(f"Hits by category: {cats}", markup=False)
    out.print(f"Database: {outcome.database}   Log: {log_file}", markup=False)
    if best:
        out.print(f"\n[bold]Top {len(best)} hits[/bold]")
        for hit, citation in best:
            out.print(f"[{hit.id}] score {hit.score:.1f}  {citation}", markup=False)
            if hit.slots:
                out.print(f"      slots: {format_slots(hit.slots)}", markup=False)


def _print_notes(out: Console, summary: Any) -> None:
    """Print what the run found already stored (a rerun stores nothing new)."""
    from evidence.services.run_notes import run_notes

    for line in run_notes(summary):
        out.print(line, markup=False)


def sources(args: argparse.Namespace) -> int:
    """List every source definition, with its last run in the database (if there is one)."""
    from crawler.sources import load_sources
    from db.engine import resolve_db_url, sqlite_path
    from evidence.services.runs import last_runs

    definitions = load_sources()
    runs = last_runs(args.db)
    if runs is None:
        print(f"evidence: note: no database at {sqlite_path(resolve_db_url(args.db))} yet: "
              "no source has run", file=sys.stderr)
    table = Table("slug", "kind", "strategy", "publisher", "last run", "items last run",
                  "min items", "met minimum")
    for slug, src in sorted(definitions.items()):
        run = (runs or {}).get(slug)
        met = "—" if run is None else ("yes" if run.items >= src.expect.min_items else "NO")
        add_row(table, slug, src.kind, src.strategy, src.publisher,
                f"#{run.run_id} {run.started_at}" if run else "never",
                run.items if run else "—", src.expect.min_items, met)
    console().print(table)
    return 0
