"""The sub-commands of `evidence`; each returns the process exit status."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.filters import Filter
from db.hits import HitView, find_hits, get_hit, hit_text, iter_hits
from db.queries import run_summary
from evidence.csvsafe import write_rows
from evidence.errors import UserError
from evidence.plain import add_row
from evidence.slots import format_slots

CSV_FIELDS = [
    "id", "url", "title", "publisher", "origin", "doc_number", "published_at", "retrieved_at",
    "sha256", "raw_path", "sentence", "start", "end", "terms", "categories", "companies",
    "score", "lexicon_version", "language", "source", "kind", "page", "archive_url",
    "archive_timestamp",
    "review_status", "reviewer", "reviewed_at", "review_note", "slots",
]


DEMO_PORT = 8741


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def add_hit_filters(parser: argparse.ArgumentParser) -> None:
    """Add the options that filter hits (shared by hits, export and search)."""
    parser.add_argument("--term", help="only hits that matched this lexicon term")
    parser.add_argument("--category", help="only hits in this category (e.g. transfer)")
    parser.add_argument("--company", help="only hits naming this company (canonical name)")
    parser.add_argument("--source", help="only hits from this source slug")
    parser.add_argument("--kind", choices=["state_media", "government", "company"])
    parser.add_argument("--from", dest="date_from", type=_date, help="published on/after")
    parser.add_argument("--to", dest="date_to", type=_date, help="published on/before")
    parser.add_argument("--min-score", type=float, help="only hits scoring at least this")
    parser.add_argument("--limit", type=int, help="at most this many hits")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the core commands: demo, crawl, sources, hits, show, export, detect."""
    p = sub.add_parser("demo", parents=[common], help="serve the bundled demo site and crawl it")
    p.add_argument("--top", type=int, default=5, help="how many top hits to print")
    p.add_argument("--port", type=int, help="port on 127.0.0.1 (default 8741 if free, else any)")
    p.add_argument("--no-render", action="store_true",
                   help="no screenshots (about a minute quicker; `evidence render --pending` "
                        "takes them later)")
    _crawl_options(p)
    p.set_defaults(func=demo)

    p = sub.add_parser("crawl", parents=[common], help="crawl sources into the database")
    p.add_argument("sources", nargs="*", help="source slugs (see `evidence sources`)")
    p.add_argument("--all", action="store_true", help="crawl every source")
    p.add_argument("--render", action="store_true",
                   help="then screenshot the pages with hits in headless Chromium (as "
                        "`evidence render --pending`), before the run's manifest is sealed")
    _crawl_options(p)
    p.set_defaults(func=crawl)

    p = sub.add_parser("sources", parents=[common], help="list the source definitions")
    p.set_defaults(func=sources)

    p = sub.add_parser("hits", parents=[common], help="list stored hits")
    add_hit_filters(p)
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=hits)

    p = sub.add_parser("show", parents=[common], help="show one hit in context with its citation")
    p.add_argument("hit_id", type=int)
    p.set_defaults(func=show)

    p = sub.add_parser("export", parents=[common], help="export all hits")
    p.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    p.set_defaults(func=export)

    p = sub.add_parser("detect", parents=[common],
                       help="run extraction and detection on local files (no database)")
    p.add_argument("files", nargs="+", help=".txt, .html, .pdf or Word (.docx, .doc, .wps) files")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--region", help="the Xinjiang prefecture or county the files come from "
                                    "(a county portal's notices that say only 我县), e.g. 和田地区")
    p.set_defaults(func=detect)


def _crawl_options(parser: argparse.ArgumentParser) -> None:
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


def _run_and_report(slugs: list[str], args: argparse.Namespace, top: int,
                    recheck_days: float | None = None, render: bool = False) -> int:
    """Crawl under the lock, write the morning report, print the summary."""
    from evidence.cmd_ops import write_run_report
    from evidence.lock import EXIT_LOCKED, LockedError
    from evidence.services.crawl import run_crawl
    from evidence.shared_queue import SharedQueue

    queue = SharedQueue.from_options(args.queue, args.crawl_id)
    if queue is not None and queue.finished_before(queue.connect(), slugs):
        print(f"note: crawl {queue.crawl_id} already ran to the end on {queue.url}; nothing "
              "is left to fetch (pass --crawl-id to start another)")
    try:
        incremental = not args.full and os.environ.get("EVIDENCE_INCREMENTAL", "1") not in (
            "0", "false", "no")
        outcome = run_crawl(slugs, args.db, incremental=incremental, progress=args.progress,
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


def console() -> Console:
    """Return a console for tables: terminal width, or wide when output is piped."""
    return Console(highlight=False, emoji=False, soft_wrap=True,
                   width=None if sys.stdout.isatty() else 200)


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
    later (evidence/demo_later.py), screenshot the pages with hits after each crawl, timestamp
    the runs' manifests with a local demo TSA (evidence/demo_stamps.py), print what was found."""
    from demo.server import DEMO_ORIGIN, DemoServer
    from evidence.demo_later import NEVER
    from evidence.demo_stamps import demo_timestamps

    data_dir = data_dir_for(resolve_db_url(args.db))
    with DemoServer(port=_demo_port(args.port)) as server, \
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
    from evidence.cmd_ops import write_run_report
    from evidence.demo_later import LATER_SOURCES, crawl_later, latest_run_id

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


def _demo_port(wanted: int | None) -> int:
    """Return the requested port, else 8741 when free (stable URLs across runs), else 0."""
    import socket

    if wanted is not None:
        return wanted
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", DEMO_PORT))
        except OSError:
            return 0
    return DEMO_PORT


def _print_summary(db: str | None, run_id: int, log_file: Path, top: int) -> None:
    from evidence.cite import full_citation

    engine = open_database(db, create=False)
    with session_scope(engine) as session:
        summary = run_summary(session, run_id)
        best = [(hit, full_citation(session, hit))
                for hit in (find_hits(session, Filter(limit=top)) if top else [])]
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
    out.print(f"Database: {engine.url.database or engine.url}   Log: {log_file}", markup=False)
    if best:
        out.print(f"\n[bold]Top {len(best)} hits[/bold]")
        for hit, citation in best:
            out.print(f"[{hit.id}] score {hit.score:.1f}  {citation}", markup=False)
            if hit.slots:
                out.print(f"      slots: {format_slots(hit.slots)}", markup=False)
    engine.dispose()


def _print_notes(out: Console, summary: Any) -> None:
    """Print what the run found already stored (a rerun stores nothing new)."""
    from evidence.run_notes import run_notes

    for line in run_notes(summary):
        out.print(line, markup=False)


def sources(args: argparse.Namespace) -> int:
    """List every source definition."""
    from crawler.sources import load_sources

    runs = _last_runs(args.db)
    table = Table("slug", "kind", "strategy", "publisher", "last run", "items last run",
                  "min items", "met minimum")
    for slug, src in sorted(load_sources().items()):
        run = runs.get(slug)
        met = "—" if run is None else ("yes" if run.items >= src.expect.min_items else "NO")
        add_row(table, slug, src.kind, src.strategy, src.publisher,
                f"#{run.run_id} {run.started_at}" if run else "never",
                run.items if run else "—", src.expect.min_items, met)
    console().print(table)
    return 0


def _last_runs(db: str | None) -> dict[str, Any]:
    """Return each source's last run from the database (none when there is no database yet)."""
    from db.errors import StorageError
    from db.queries import source_last_runs

    try:
        engine = open_database(db, create=False)
    except StorageError:
        return {}
    with session_scope(engine) as session:
        runs = source_last_runs(session)
    engine.dispose()
    return runs


def hit_filter(args: argparse.Namespace) -> Filter:
    """The Filter of the options added by add_hit_filters (any company spelling works)."""
    from pipelines.text.lexicon import canonical_company

    company = (canonical_company(args.company) or args.company) if args.company else None
    return Filter(
        term=args.term, category=args.category, company=company, source=args.source,
        kind=args.kind, date_from=args.date_from, date_to=args.date_to,
        min_score=args.min_score, limit=args.limit,
    )


def hits(args: argparse.Namespace) -> int:
    """List stored hits as a table, JSON or CSV."""
    engine = open_database(args.db, create=False)
    with session_scope(engine) as session:
        found = find_hits(session, hit_filter(args))
    if args.format == "json":
        raw_root = data_dir_for(resolve_db_url(args.db))
        rows = [h.to_dict() | {"raw_file": str(raw_root / h.raw_path) if h.raw_path else None}
                for h in found]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif args.format == "csv":
        write_csv(found, sys.stdout)
    else:
        _hits_table(found)
    return 0


def _hits_table(found: list[HitView]) -> None:
    table = Table("id", "score", "published", "publisher", "categories", "sentence")
    for hit in found:
        add_row(table, hit.id, f"{hit.score:.1f}", hit.published_at, hit.publisher,
                ", ".join(hit.categories), hit.sentence)
    console().print(table)
    console().print(f"{len(found)} hits")


def _flat(hit: HitView) -> dict[str, Any]:
    row = hit.to_dict()
    for key in ("terms", "categories", "companies"):
        row[key] = "; ".join(row[key])
    row["slots"] = format_slots(hit.slots)
    return {k: row[k] for k in CSV_FIELDS}


def write_csv(found: Iterable[HitView], out: TextIO) -> None:
    """Write hits as CSV with one row per hit (formula-like cells quoted: evidence.csvsafe)."""
    write_rows(out, CSV_FIELDS, (_flat(hit) for hit in found))


def show(args: argparse.Namespace) -> int:
    """Show one hit in its context, with its citation."""
    from evidence.cite import context, full_citation

    engine = open_database(args.db, create=False)
    with session_scope(engine) as session:
        hit = get_hit(session, args.hit_id)
        if hit is None:
            raise UserError(f"no hit with id {args.hit_id}")
        text = hit_text(session, hit)  # the crawl's text, or the re-extraction it came from
        citation = full_citation(session, hit)
    before, sentence, after = context(text, hit.start, hit.end)
    out = console()
    out.print(f"[bold]Hit {hit.id}[/bold]  score {hit.score:.1f}  "
              f"terms: {escape(', '.join(hit.terms))}  "
              f"categories: {escape(', '.join(hit.categories))}")
    out.print(f"{hit.title or '(untitled)'} — {hit.publisher} — {hit.published_at or 'n.d.'}",
              markup=False)
    out.print(f"{hit.url}\n", markup=False)
    if hit.slots:
        out.print(f"slots: {format_slots(hit.slots)}\n", markup=False)
    out.print(Text.assemble("…", before, (sentence, "bold yellow"), after, "…"))
    out.print(f"\noffsets {hit.start}–{hit.end}; raw copy sha256:{hit.sha256} "
              f"({hit.raw_path}); lexicon {hit.lexicon_version}", markup=False)
    if hit.ocr:
        out.print(f"read by OCR: page {hit.page} has no text layer; this is what {hit.ocr} "
                  "read from its image (check it against the archived copy)", markup=False)
    out.print("\nCitation:\n" + citation, markup=False)
    return 0


def open_output(path: str, force: bool = False) -> TextIO:
    """Open a new file to write; an existing one only with ``force`` (else a UserError)."""
    try:
        return open(path, "w" if force else "x", encoding="utf-8", newline="")  # noqa: SIM115
    except FileExistsError:
        raise UserError(f"{path} exists: not overwritten (pass --force to replace it)") from None
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None


def export(args: argparse.Namespace) -> int:
    """Export every hit as CSV or JSON Lines."""
    engine = open_database(args.db, create=False)
    target = open_output(args.output, args.force) if args.output else sys.stdout
    try:
        with session_scope(engine) as session:
            rows = iter_hits(session)
            if args.format == "csv":
                write_csv(rows, target)
            else:
                for hit in rows:
                    target.write(json.dumps(hit.to_dict(), ensure_ascii=False) + "\n")
    finally:
        if args.output:
            target.close()
    return 0


def detect(args: argparse.Namespace) -> int:
    """Run extraction and detection on local files; no database involved.

    A file that cannot be read or extracted is named on standard error and skipped; the others
    are still processed, and the exit status is 1 when any was skipped.
    """
    from evidence.detect_files import detect_file
    from pipelines.text.lexicon import is_xinjiang_region

    if args.region and not is_xinjiang_region(args.region):
        raise UserError(f"--region {args.region!r} names no Xinjiang place of the lexicon")
    results = [detect_file(Path(name), args.region) for name in args.files]
    for failed in (r for r in results if r.get("error")):
        print(f"evidence: error: {failed['file']}: {failed['error']} (skipped)", file=sys.stderr)
    found = [r for r in results if not r.get("error")]
    if args.format == "json":
        json.dump(found, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        buffer = io.StringIO()
        for result in found:
            _describe_detection(result, buffer)
        print(buffer.getvalue(), end="")
    return 1 if len(found) < len(results) else 0


def _describe_detection(result: dict[str, Any], out: TextIO) -> None:
    verdict = "FLAGGED" if result["flagged"] else "not flagged"
    out.write(f"{result['file']}: {verdict} (score {result['score']:.1f}, "
              f"language {result['language']}, {len(result['hits'])} hits)\n")
    for hit in result["hits"]:
        out.write(f"  [{hit['start']}-{hit['end']}] {hit['score']:.1f} "
                  f"{', '.join(hit['terms'])}: {hit['sentence']}\n")
        if hit["slots"]:
            out.write(f"    slots: {format_slots(hit['slots'])}\n")
