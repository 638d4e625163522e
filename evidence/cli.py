"""The `evidence` command line: crawl, demo, query, export and try the detector."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date

from evidence import commands

EXIT_USAGE = 2


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _common(default: object) -> argparse.ArgumentParser:
    """Options every command takes, before or after the command name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=default,
                        help="database file or URL (default: $EVIDENCE_DB, else ./evidence.db)")
    common.add_argument("--debug", action="store_true", default=default,
                        help="show tracebacks on errors")
    return common


def _hit_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--term", help="only hits that matched this lexicon term")
    parser.add_argument("--category", help="only hits in this category (e.g. transfer)")
    parser.add_argument("--company", help="only hits naming this company (canonical name)")
    parser.add_argument("--source", help="only hits from this source slug")
    parser.add_argument("--kind", choices=["state_media", "government", "company"])
    parser.add_argument("--from", dest="date_from", type=_date, help="published on/after")
    parser.add_argument("--to", dest="date_to", type=_date, help="published on/before")
    parser.add_argument("--min-score", type=float, help="only hits scoring at least this")
    parser.add_argument("--limit", type=int, help="at most this many hits")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="evidence", description=__doc__, parents=[_common(None)])
    common = _common(argparse.SUPPRESS)  # so a sub-command does not reset the global value
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", parents=[common], help="serve the bundled demo site and crawl it")
    p.add_argument("--top", type=int, default=5, help="how many top hits to print")
    p.add_argument("--port", type=int, help="port on 127.0.0.1 (default 8741 if free, else any)")
    p.set_defaults(func=commands.demo)

    p = sub.add_parser("crawl", parents=[common], help="crawl sources into the database")
    p.add_argument("sources", nargs="*", help="source slugs (see `evidence sources`)")
    p.add_argument("--all", action="store_true", help="crawl every source")
    p.set_defaults(func=commands.crawl)

    p = sub.add_parser("sources", parents=[common], help="list the source definitions")
    p.set_defaults(func=commands.sources)

    p = sub.add_parser("hits", parents=[common], help="list stored hits")
    _hit_filters(p)
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=commands.hits)

    p = sub.add_parser("show", parents=[common], help="show one hit in context with its citation")
    p.add_argument("hit_id", type=int)
    p.set_defaults(func=commands.show)

    p = sub.add_parser("export", parents=[common], help="export all hits")
    p.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=commands.export)

    p = sub.add_parser("detect", parents=[common],
                       help="run extraction and detection on local files (no database)")
    p.add_argument("files", nargs="+", help=".txt, .html or .pdf files")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=commands.detect)
    return parser


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from crawler.sources import SourceError
    from db.errors import StorageError

    try:
        return func(args)
    except (commands.UserError, SourceError, StorageError) as exc:
        print(f"evidence: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("evidence: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the user never sees a bare traceback
        if args.debug:
            raise
        print(f"evidence: unexpected error: {type(exc).__name__}: {exc} "
              "(re-run with --debug for details)", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `evidence` command."""
    args = build_parser().parse_args(argv)
    return _run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
