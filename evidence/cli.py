"""The `evidence` command line: crawl, demo, query, export and try the detector."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

EXIT_USAGE = 2


def _common(default: object) -> argparse.ArgumentParser:
    """Options every command takes, before or after the command name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=default,
                        help="database file or URL (default: $EVIDENCE_DB, else ./evidence.db)")
    common.add_argument("--debug", action="store_true", default=default,
                        help="show tracebacks on errors")
    return common


# Modules that add sub-commands: each has ``register(sub, common)``; order is help order.
COMMAND_MODULES = [
    "evidence.commands",
    "evidence.cmd_ops",
    "evidence.cmd_evidence",
    "evidence.cmd_timestamp",
    "evidence.cmd_wacz",
    "evidence.cmd_render",
    "evidence.cmd_desk",
    "evidence.cmd_reprocess",
    "evidence.cmd_sources",
    "evidence.cmd_eval",
    "evidence.cmd_db",
]


class _Version(argparse.Action):
    """--version: print the versions (read only when asked) and exit."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from evidence.about import versions

        print(versions().line())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every sub-command."""
    import importlib

    parser = argparse.ArgumentParser(prog="evidence", description=__doc__, parents=[_common(None)])
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="print the package, lexicon, extractor and detector versions")
    common = _common(argparse.SUPPRESS)  # so a sub-command does not reset the global value
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def _usage_errors() -> tuple[type[Exception], ...]:
    """Errors the user can fix; a source file error only where sources were loaded (so that a
    command that never reads them, such as search, does not import the crawler)."""
    from db.errors import StorageError
    from evidence.errors import UserError

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
    from evidence.config import ConfigError, apply_config_file

    try:
        apply_config_file()
    except ConfigError as exc:
        print(f"evidence: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    args = build_parser().parse_args(argv)
    return _run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
