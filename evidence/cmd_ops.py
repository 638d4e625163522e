"""Operations commands: runs, report, schedule."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from evidence.services.errors import UserError

EXIT_BELOW_MINIMUM = 3


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add runs, report and schedule."""
    p = sub.add_parser("runs", parents=[common], help="list recorded crawl runs")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=runs)

    p = sub.add_parser("report", parents=[common], help="the morning report of a run")
    p.add_argument("--run", type=int, help="run id (default: the latest)")
    p.add_argument("--format", choices=["md", "html"], default="md")
    p.add_argument("-o", "--output", help="write run-N.md and run-N.html into this folder")
    p.add_argument("--strict", action="store_true",
                   help=f"exit {EXIT_BELOW_MINIMUM} when a source fell below its minimum or "
                        "the run did not finish (stopped early, or a page not parsed to its end)")
    p.set_defaults(func=report)

    p = sub.add_parser("schedule", parents=[common],
                       help="print (or --install) a nightly crontab line / systemd timer")
    p.add_argument("sources", nargs="*", help="source slugs (default: all)")
    p.add_argument("--at", default="02:30", help="local time of day, HH:MM")
    p.add_argument("--install", action="store_true", help="write the systemd user units")
    p.add_argument("--cron", action="store_true", help="with --install: use crontab instead")
    p.add_argument("--no-render", action="store_true",
                   help="no screenshots in the nightly crawl (by default it runs `crawl "
                        "--render`: the pages with hits, before the run's manifest is sealed)")
    p.set_defaults(func=schedule)


def runs(args: argparse.Namespace) -> int:
    """List crawl runs with their counters."""
    from rich.table import Table

    from db.runs import list_runs
    from evidence.plain import add_row, console
    from evidence.services.database import database_session

    with database_session(args.db) as session:
        rows = list_runs(session, args.limit)
    table = Table("run", "started UTC", "took", "status", "src", "req", "2xx", "4/5xx",
                  "+docs", "+vers", "gone", "+hits", "err", "skip",
                  caption="src: sources crawled; skip: stored articles not fetched again")
    for row in rows:
        s = row.stats
        statuses = {k.rsplit("/", 1)[1]: v for k, v in s.items()
                    if k.startswith("downloader/response_status_count/")}
        ok = sum(int(v) for k, v in statuses.items() if k.startswith("2"))
        bad = sum(int(v) for k, v in statuses.items() if k[:1] in "45")
        took = f"{row.duration_s:.0f}s" if row.duration_s is not None else "—"
        add_row(table, row.id, f"{row.started_at:%Y-%m-%d %H:%M}", took, row.status,
                len(row.sources), _n(s, "downloader/request_count"), ok, bad,
                _n(s, "evidence/new_documents"), _n(s, "evidence/new_versions"),
                _n(s, "evidence/removed_documents"), _n(s, "evidence/new_hits"),
                _n(s, "evidence/items/error"), _n(s, "evidence/skipped_known"))
    console().print(table)
    return 0


def _n(stats: dict[str, Any], key: str) -> str:
    return str(int(stats.get(key, 0)))


def report(args: argparse.Namespace) -> int:
    """Print or write the morning report; --strict fails when a source is below minimum or the
    run is incomplete."""
    from evidence.services.report import load_report, to_html, to_markdown, write_report

    built = load_report(args.db, args.run)
    if args.output:
        md, page = write_report(built, Path(args.output))
        print(f"wrote {md} and {page}")
    else:
        sys.stdout.write(to_markdown(built) if args.format == "md" else to_html(built))
    for outcome in built.below_minimum:
        print(f"evidence: warning: source {outcome.slug} produced {outcome.items} items, "
              f"below its minimum of {outcome.min_items}", file=sys.stderr)
    if built.incomplete:
        print(f"evidence: warning: {built.incomplete.removeprefix('WARNING: ')}", file=sys.stderr)
    failed = bool(built.below_minimum or built.incomplete)
    return EXIT_BELOW_MINIMUM if args.strict and failed else 0


def schedule(args: argparse.Namespace) -> int:
    """Print a nightly crontab line and systemd units, or install them."""
    from db.engine import data_dir_for, resolve_db_url
    from evidence.services.schedule import (
        crontab_line,
        install_crontab,
        install_systemd,
        make_plan,
        systemd_units,
    )

    db_url = resolve_db_url(args.db)
    try:
        plan = make_plan(db_url, data_dir_for(db_url), args.sources, args.at,
                         render=not args.no_render)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.install and args.cron:
        try:
            install_crontab(plan)
        except (FileNotFoundError, OSError) as exc:
            raise UserError(f"cannot install the crontab entry: {exc}") from None
        print(f"installed crontab entry:\n{crontab_line(plan)}")
    elif args.install:
        paths = install_systemd(plan)
        print("wrote " + ", ".join(map(str, paths)))
        print("enable with: systemctl --user daemon-reload && "
              "systemctl --user enable --now evidence-crawl.timer")
    else:
        print("# crontab (crontab -e):\n" + crontab_line(plan) + "\n")
        for name, text in systemd_units(plan).items():
            print(f"# ~/.config/systemd/user/{name}\n{text}")
    return 0
