"""Evidence commands: history, cite, pack and verify."""

from __future__ import annotations

import argparse
import difflib
import io
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from evidence.argtypes import row_id
from evidence.services.errors import UserError

if TYPE_CHECKING:
    from db.history import History, VersionEntry


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add history, cite, pack and verify."""
    from evidence.hit_options import add_hit_filters
    from evidence.services.cite import STYLES

    p = sub.add_parser("history", parents=[common],
                       help="versions and status changes of a URL, with text diffs")
    p.add_argument("url")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--no-diff", action="store_true", help="do not print the text diffs")
    p.set_defaults(func=history)

    p = sub.add_parser("cite", parents=[common], help="cite one hit")
    p.add_argument("hit_id", type=row_id)
    p.add_argument("--style", choices=STYLES, default="footnote")
    p.set_defaults(func=cite)

    p = sub.add_parser("pack", parents=[common],
                       help="write an evidence pack (zip) for the hits matching the filters")
    add_hit_filters(p)
    p.add_argument("-o", "--output", required=True, help="zip file to write (must not exist)")
    p.set_defaults(func=pack)

    p = sub.add_parser("verify", parents=[common],
                       help="re-check raw files, texts, hits, the hash log of every stored row, "
                            "WARC records and timestamped run manifests; non-zero on damage")
    p.add_argument("--expect-head", metavar="SHA256", help="a hash log head printed by an "
                   "earlier verify: fail unless the log still holds that entry (it was not cut "
                   "back)")
    p.set_defaults(func=verify)


def _data_dir(args: argparse.Namespace) -> Path:
    return data_dir_for(resolve_db_url(args.db))


def history(args: argparse.Namespace) -> int:
    """Print the versions, status changes and text diffs of one URL."""
    from db.history import document_history
    from evidence.services.database import database_session

    with database_session(args.db) as session:
        found = document_history(session, args.url)
    if found is None:
        raise UserError(f"no stored document for {args.url}")
    if args.format == "json":
        data = asdict(found)
        data["diffs"] = [] if args.no_diff else diffs(found.versions)
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        sys.stdout.write(describe_history(found, with_diff=not args.no_diff))
    return 0


def diffs(versions: list[VersionEntry]) -> list[str]:
    """Return the unified text diff between each pair of consecutive versions."""
    return [
        "".join(difflib.unified_diff(
            old.text.splitlines(keepends=True), new.text.splitlines(keepends=True),
            fromfile=f"version {old.id} (sha256 {old.sha256[:12]}…, first seen {old.first_seen})",
            tofile=f"version {new.id} (sha256 {new.sha256[:12]}…, first seen {new.first_seen})",
        ))
        for old, new in zip(versions, versions[1:], strict=False)
    ]


def describe_history(found: History, with_diff: bool = True) -> str:
    """Return the plain-text history of one document."""
    out = io.StringIO()
    state = found.status
    if found.removed_at:
        state += f" since {found.removed_at}"
    out.write(f"{found.url}\nsource {found.source}; status {state}; first seen "
              f"{found.first_seen}; last seen {found.last_seen}; {found.fetches} fetches\n")
    out.write(f"\nVersions ({len(found.versions)}):\n")
    for n, v in enumerate(found.versions, 1):
        out.write(f"  v{n} [version {v.id}] sha256:{v.sha256}\n"
                  f"     first seen {v.first_seen}, last seen {v.last_seen}, {v.fetches} "
                  f"fetches, {v.hits} hits — “{v.title or '(untitled)'}” "
                  f"{v.published_at or 'n.d.'}\n"
                  f"     WARC {v.warc_record_id or '-'}; {v.extractor}; "
                  f"{v.segmenter or '-'}; lexicon {v.lexicon_version}\n")
        for x in v.extractions:
            out.write(f"     re-extracted {x.created_at} by extractor version "
                      f"{x.extractor_version} ({x.extractor}): text sha256:{x.sha256}"
                      f"{' (current text)' if x.current else ''}\n")
    out.write("\nStatus changes:\n")
    for e in found.events:
        change = f"{e.previous} → {e.status}" if e.previous else e.status
        why = f" ({e.reason})" if e.reason else ""
        out.write(f"  {e.observed_at}  {change}{why}  [capture {e.capture_id}]\n")
    if with_diff:
        for text in diffs(found.versions):
            out.write("\n" + (text or "(no text difference: only the raw bytes changed)\n"))
    return out.getvalue()


def cite(args: argparse.Namespace) -> int:
    """Print the citation of one hit in the chosen style."""
    from evidence.services.hits import cite_hit

    print(cite_hit(args.db, args.hit_id, args.style))
    return 0


def pack(args: argparse.Namespace) -> int:
    """Write an evidence pack for the hits matching the filters."""
    from evidence.hit_options import hit_filter
    from evidence.services.pack import pack_hits

    target = Path(args.output).expanduser().resolve()
    if target.exists():
        raise UserError(f"{target} exists; packs are never overwritten (choose another name)")
    if not target.parent.is_dir():
        raise UserError(f"directory {target.parent} does not exist")
    packed = pack_hits(args.db, hit_filter(args), _data_dir(args), target)
    print(f"Wrote {target}: {packed.hits} hits, {packed.raws} raw captures, {packed.files} "
          "files. Check it: unzip, then `sha256sum -c MANIFEST.sha256` (see VERIFY.txt).")
    return 0


def verify(args: argparse.Namespace) -> int:
    """Re-check the whole store (read-only); print every mismatch and exit 1 if there is any."""
    from db.verify import verify_store
    from evidence.services.reprocess import extract_settings
    from evidence.services.timestamp import checked_ca

    tsa_ca = checked_ca()
    engine = open_database(args.db, create=False, read_only=True)
    with session_scope(engine) as session:
        report = verify_store(session, _data_dir(args), extract_settings(engine),
                              expect_head=args.expect_head, tsa_ca=tsa_ca)
    engine.dispose()
    for finding in report.warnings:
        print(f"warning: {finding}")
    for finding in report.problems:
        print(f"MISMATCH {finding}")
    print(f"Hash log head: {report.head} (note it: `verify --expect-head` with it later "
          "proves the log was not cut back past it)")
    checked = ", ".join(f"{n} {what}" for what, n in sorted(report.checked.items()))
    verdict = "OK" if report.ok else f"FAILED: {len(report.problems)} mismatches"
    print(f"Checked {checked or 'nothing'}: {verdict}")
    return 0 if report.ok else 1
