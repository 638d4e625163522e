"""`python -m bench`: reprocess, crawl, search and memory figures, each with its baseline.

    python -m bench                      # defaults below; prints a table of figures and ratios
    python -m bench --docs 1000000 --skip-single --skip-crawl   # 1M documents (memory goal)
    python -m bench --skip-crawl --search-docs 20000
    python -m bench --search-only --cli-search 300           # `evidence search` vs the desk
    python -m bench --search-only --cli-db evidence.db       # ... on the demo's database

Not part of the test suite: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench import cli_search, crawl, reprocess
from bench import search as search_bench


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docs", type=int, default=20000, help="synthetic stored documents")
    p.add_argument("--baseline-docs", type=int, default=2000,
                   help="documents for the full-jieba baseline and the 1-core comparison")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--crawl-pages", type=int, default=2000)
    p.add_argument("--scrapy-seconds", type=int, default=20)
    p.add_argument("--skip-crawl", action="store_true")
    p.add_argument("--skip-single", action="store_true",
                   help="skip the 1-core run over all --docs (for the 1M memory run)")
    p.add_argument("--search-docs", type=int, default=0, help="index and query (0: skip)")
    p.add_argument("--search-cap", type=int, default=0,
                   help="matching versions ranked and counted per query (default: db.search's)")
    p.add_argument("--search-db", type=Path,
                   help="time the queries on this database, indexing first what --search-docs "
                        "asks and the index lacks (e.g. a 1M-version database kept with --dir)")
    p.add_argument("--search-only", action="store_true",
                   help="skip the reprocess and crawl figures (with --search-db, --cli-*)")
    p.add_argument("--cli-search", type=int, default=0, metavar="DOCS",
                   help="time `evidence search` from the shell against the desk's requests "
                        "on a database of DOCS synthetic versions (0: skip)")
    p.add_argument("--cli-db", type=Path,
                   help="time `evidence search` and the desk on this database instead "
                        "(e.g. the evidence.db of `evidence demo`)")
    p.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    return p.parse_args(argv)


def _line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<46} {value:>14}  {note}")


def run_reprocess(args: argparse.Namespace, work: Path) -> None:
    """Populate, then time baseline and detector on the same documents, compare, scale up."""
    db = work / "reprocess.db"
    started = time.perf_counter()
    positives = reprocess.populate(db, args.docs)
    print(f"\nReprocess ({args.docs} synthetic docs of ~1,500 chars, {positives} with transfer "
          f"sentences; populated in {time.perf_counter() - started:.0f} s)")
    n = min(args.baseline_docs, args.docs)
    base = reprocess.run(db, "baseline", 1, n, keep=n, tag="baseline")
    fast1 = reprocess.run(db, "fast", 1, n, keep=n, tag="fast-1-same")
    differing = reprocess.differences(fast1, base)
    _line("baseline, full jieba, 1 core", f"{base.docs_per_second:,.0f} docs/s",
          f"({n} docs; {base.docs_per_cpu_second:,.0f} per CPU-second)")
    _line("detector, 1 core, same docs", f"{fast1.docs_per_second:,.0f} docs/s",
          f"ratio {fast1.docs_per_second / base.docs_per_second:.1f}x (goal >= 10x); "
          f"{fast1.docs_per_cpu_second:,.0f} per CPU-second")
    _line("hits equal to the baseline's", "yes" if not differing else "NO",
          f"({len(fast1.detections)} docs compared, {len(differing)} differ)")
    if not args.skip_single:
        big1 = reprocess.run(db, "fast", 1, args.docs, tag="fast-1-all")
        _line(f"detector, 1 core, all {args.docs} docs", f"{big1.docs_per_second:,.0f} docs/s",
              f"(goal >= 2,000); {big1.docs_per_cpu_second:,.0f} per CPU-second")
    many = reprocess.run(db, "fast", args.workers, args.docs, tag="fast-n-all")
    _line(f"detector, {args.workers} workers, all docs", f"{many.docs_per_second:,.0f} docs/s",
          f"flagged {many.flagged} ({many.flagged / args.docs:.1%}), {many.hits} hits")
    _line("peak RSS, process tree (multi-core run)", f"{many.peak_mb:,.0f} MB", "(goal < 1 GB)")


def run_crawl(args: argparse.Namespace) -> None:
    """The pipeline's crawl against `scrapy bench`."""
    print(f"\nCrawl ({args.crawl_pages} synthetic articles served on 127.0.0.1)")
    scrapy = crawl.scrapy_bench(args.scrapy_seconds)
    ours = crawl.pipeline_crawl(args.crawl_pages)
    _line("scrapy bench", f"{scrapy.pages_per_second:,.1f} pages/s",
          f"({scrapy.pages} pages in {scrapy.seconds:.0f} s)")
    _line("evidence crawl (full pipeline)", f"{ours.pages_per_second:,.1f} pages/s",
          f"ratio {ours.pages_per_second / scrapy.pages_per_second:.0%} (goal >= 60%)")
    _line("peak PSS, crawl process tree", f"{ours.peak_pss_mb:,.0f} MB", "(goal < 400 MB)")
    _line("peak RSS summed over the tree", f"{ours.peak_mb:,.0f} MB",
          "(pages the writer process shares with the crawl counted twice)")


def run_search(args: argparse.Namespace, work: Path) -> None:
    """FTS latency over the first ``--search-docs`` stored documents (or ``--search-db``)."""
    from db.search import MAX_MATCHES

    db = args.search_db or work / "reprocess.db"
    if not db.exists():
        started = time.perf_counter()
        reprocess.populate(db, args.search_docs)
        print(f"\npopulated {args.search_docs} versions in {time.perf_counter() - started:.0f} s")
    cap = args.search_cap or MAX_MATCHES
    latency = search_bench.measure(db, args.search_docs, workers=args.workers, cap=cap)
    rate = latency.indexed / latency.index_seconds if latency.index_seconds else 0
    print(f"\nSearch ({latency.versions:,} versions in the index; {latency.indexed:,} indexed now "
          f"in {latency.index_seconds:.0f} s = {rate:,.0f} versions/s with {args.workers} "
          f"workers; {len(search_bench.QUERIES)} typical queries x 3; cap {cap:,})")
    _latency("default order (relevance; newest first when capped)", latency)
    ranked = search_bench.measure(db, 0, workers=args.workers, cap=cap, sort="relevance")
    _latency("every query ranked by relevance (--sort relevance)", ranked)


def _latency(title: str, latency: search_bench.Latency) -> None:
    print(f"  {title}")
    for query, ms in latency.per_query.items():
        _line(f"  {query}", f"{ms:,.1f} ms", f"({latency.totals[query]:,} documents"
              f"{'+, capped' if latency.capped[query] else ''}, {latency.orders[query]})")
    _line("p50", f"{latency.p50_ms:,.1f} ms", "(goal < 50 ms at 1M captures)")
    _line("p95", f"{latency.p95_ms:,.1f} ms", "(goal < 200 ms at 1M captures)")


def run_cli_search(args: argparse.Namespace, work: Path) -> None:
    """`evidence search` as a shell command against the desk, on a small database."""
    db = args.cli_db
    if db is None:
        db = work / "cli.db"
        reprocess.populate(db, args.cli_search)
    latency = cli_search.measure(db)
    print(f"\nSearch from the shell ({db.name}; {len(latency.cli_s)} queries x 3, wall time "
          f"of each command; baseline: the same queries as desk requests)")
    for query, seconds in latency.cli_s.items():
        _line(f"  {query}", f"{seconds * 1000:,.0f} ms",
              f"(desk {latency.desk_s[query] * 1000:,.0f} ms)")
    _line("desk request (evidence serve), p50", f"{latency.desk_p50 * 1000:,.0f} ms",
          "baseline")
    _line("evidence search, p50", f"{latency.cli_p50 * 1000:,.0f} ms",
          f"ratio {latency.cli_p50 / latency.desk_p50:.1f}x the desk (goal < 1,000 ms)")
    _line("evidence search, first call (empty cache)", f"{latency.first_s * 1000:,.0f} ms",
          "(loads the dictionary, writes the word store)")
    _line("python -c pass", f"{latency.python_s * 1000:,.0f} ms",
          f"{latency.python_s / latency.cli_p50:.0%} of a search")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print their figures."""
    args = _args(argv)
    print(f"python -m bench {' '.join(sys.argv[1:] if argv is None else argv)}".rstrip())
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        work = Path(tmp)
        if not args.search_only:
            run_reprocess(args, work)
        if not args.skip_crawl and not args.search_only:
            run_crawl(args)
        if args.search_docs or args.search_db:
            run_search(args, work)
        if args.cli_search or args.cli_db:
            run_cli_search(args, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
