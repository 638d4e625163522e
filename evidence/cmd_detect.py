"""`evidence detect`: extraction and detection on local files, no database."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from evidence.services.errors import UserError
from evidence.services.slots import format_slots


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add detect."""
    p = sub.add_parser("detect", parents=[common],
                       help="run extraction and detection on local files (no database)")
    p.add_argument("files", nargs="+", help=".txt, .html, .pdf or Word (.docx, .doc, .wps) files")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--region", help="the Xinjiang prefecture or county the files come from "
                                    "(a county portal's notices that say only 我县), e.g. 和田地区")
    p.set_defaults(func=detect)


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
