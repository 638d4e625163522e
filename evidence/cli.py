"""The `evidence` command line: crawl, demo, query, export and try the detector.

This module is the composition root: it assembles the one `evidence` parser from the command
modules (evidence/cmd_*.py, thin: parse, call a service, print) and from web/serve.py (the desk's
`serve`), and runs the chosen command. It is the only module that names both; the command modules
never import web, nor web a command module.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from evidence import (
    cmd_crawl,
    cmd_db,
    cmd_detect,
    cmd_eval,
    cmd_evidence,
    cmd_hits,
    cmd_ops,
    cmd_render,
    cmd_reprocess,
    cmd_review,
    cmd_search,
    cmd_sources,
    cmd_timestamp,
    cmd_wacz,
)
from web import serve

EXIT_USAGE = 2
DESCRIPTION = "The `evidence` command line: crawl, demo, query, export and try the detector."


def _common(default: object) -> argparse.ArgumentParser:
    """Options every command takes, before or after the command name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=default,
                        help="database file or URL (default: $EVIDENCE_DB, else ./evidence.db)")
    common.add_argument("--debug", action="store_true", default=default,
                        help="show tracebacks on errors")
    return common


# Modules that add sub-commands, each by ``register(sub, common)``; the order is the help's.
COMMAND_MODULES = (cmd_crawl, cmd_hits, cmd_detect, cmd_ops, cmd_evidence, cmd_timestamp,
                   cmd_wacz, cmd_render, cmd_search, cmd_review, cmd_reprocess, serve,
                   cmd_sources, cmd_eval, cmd_db)


class _Version(argparse.Action):
    """--version: print the versions (read only when asked) and exit."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from evidence.about import versions

        print(versions().line())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="evidence", description=DESCRIPTION,
                                     parents=[_common(None)])
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="print the package, lexicon, extractor and detector versions")
    common = _common(argparse.SUPPRESS)  # so a sub-command does not reset the global value
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def _usage_errors() -> tuple[type[Exception], ...]:
    """Errors the user can fix; a source file error only where sources were loaded (so that a
    command that never reads them, such as search, does not import the crawler)."""
    from db.errors import StorageError
    from evidence.services.errors import UserError

    sources = sys.modules.get("crawler.sources")
    return (UserError, StorageError, *((sources.SourceError,) if sources else ()))


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return func(args)
    except _usage_errors() as exc:  # evaluated when an error is raised
        print(f"evidence: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("evidence: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except Exception as exc:  # noqa: BLE001 - the user never sees a bare traceback
        if args.debug:
            raise
        print(f"evidence: unexpected error: {type(exc).__name__}: {exc} "
              "(re-run with --debug for details)", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `evidence` command."""
    from crawler.config_file import ConfigError, apply_config_file

    try:
        apply_config_file()
    except ConfigError as exc:
        print(f"evidence: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    args = build_parser().parse_args(argv)
    return _run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
