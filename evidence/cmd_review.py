"""`evidence review`: record, list and show the decisions on hits and the missed-evidence marks
of documents."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from rich.table import Table

from db.engine import open_database
from evidence.argtypes import row_id
from evidence.plain import add_row, console
from evidence.services.errors import UserError
from evidence.services.review import (
    MARK_FIELDS,
    default_reviewer,
    hit_citation,
    marked_rows,
    review_history,
    reviewed_hits,
    save_mark,
    save_review,
)

STATUS_CHOICES = ["confirmed", "rejected", "needs-translation"]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add review."""
    p = sub.add_parser("review", parents=[common],
                       help="mark a hit confirmed/rejected/needs-translation, or a document "
                            "as missed evidence; or list reviews")
    p.add_argument("hit_id", type=row_id, nargs="?", help="the hit (without --status: its history)")
    p.add_argument("--status", help=f"record a decision: {', '.join(STATUS_CHOICES)}; "
                                    "without a hit id: list hits in this state (or unreviewed),"
                                    " or documents marked missed / not-missed")
    mark = p.add_mutually_exclusive_group()
    mark.add_argument("--missed", type=row_id, metavar="DOC_ID",
                      help="mark a document the detector did not flag as missed evidence "
                           "(its newest version; --note says where the evidence is)")
    mark.add_argument("--not-missed", type=row_id, metavar="DOC_ID",
                      help="withdraw a document's missed-evidence mark")
    p.add_argument("--category", help="with --missed: the kind of evidence (e.g. transfer)")
    p.add_argument("--note", default="", help="why (kept with the decision)")
    p.add_argument("--reviewer", default=default_reviewer(),
                   help="your name (default: $EVIDENCE_REVIEWER, else the login name)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=review)


def review(args: argparse.Namespace) -> int:
    """Record or list hit reviews and missed-evidence marks, or show a hit's history."""
    from db.missed import MARK_STATES, normalise_mark
    from db.review import ReviewError

    _check_review_args(args)
    engine = open_database(args.db, create=False)
    try:
        if args.missed is not None or args.not_missed is not None:
            return _mark(engine, args)
        if args.hit_id is None and args.status and \
                args.status.strip().lower().replace("-", "_") in MARK_STATES:
            return _list_marks(engine, normalise_mark(args.status), args.format)
        if args.hit_id is not None and args.status:
            return _record(engine, args)
        if args.hit_id is not None:
            return _history(engine, args.hit_id, args.format)
        return _list(engine, args)
    except ReviewError as exc:
        raise UserError(str(exc)) from exc
    finally:
        engine.dispose()


def _check_review_args(args: argparse.Namespace) -> None:
    """Refuse combinations that mix a hit decision with a document mark."""
    marking = args.missed is not None or args.not_missed is not None
    if marking and (args.hit_id is not None or args.status):
        raise UserError("--missed/--not-missed mark a document: give no hit id or --status")
    if args.category and args.missed is None:
        raise UserError("--category goes with --missed DOC_ID")


def _mark(engine: Any, args: argparse.Namespace) -> int:
    from db.missed import MISSED, NOT_MISSED

    document_id, status = ((args.missed, MISSED) if args.missed is not None
                           else (args.not_missed, NOT_MISSED))
    row = save_mark(engine, document_id, status, args.reviewer, args.note, args.category)
    what = "marked as missed evidence" if status == MISSED else "missed-evidence mark withdrawn"
    category = f" [{row.category}]" if row.category else ""
    print(f"document {row.document_id} (version {row.version_id}, score {row.score:.2f}, "
          f"lexicon {row.lexicon_version}): {what}{category} by {row.reviewer} at "
          f"{row.reviewed_at}" + (f" — {row.note}" if row.note else ""))
    return 0


def _list_marks(engine: Any, status: str, fmt: str) -> int:
    """Documents whose newest missed-evidence mark is ``status``."""
    from evidence.services.export import write_rows

    rows = marked_rows(engine, status)
    if fmt == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif fmt == "csv":
        write_rows(sys.stdout, MARK_FIELDS, rows)
    else:
        table = Table("doc", "version", "source", "category", "reviewer", "when", "note",
                      "flagged now", "title")
        for r in rows:
            add_row(table, r["document_id"], r["version_id"], r["source"], r["category"],
                    r["reviewer"], r["reviewed_at"][:10], r["note"],
                    "yes" if r["flagged_now"] else "no", r["title"])
        out = console()
        out.print(table)
        out.print(f"{len(rows)} documents {status.replace('_', '-')}")
    return 0


def _record(engine: Any, args: argparse.Namespace) -> int:
    row = save_review(engine, args.hit_id, args.status, args.reviewer, args.note)
    print(f"hit {row.hit_id}: {row.label} by {row.reviewer} at {row.reviewed_at}")
    citation = hit_citation(engine, args.hit_id)
    if citation is not None:
        print(citation)
    return 0


def _history(engine: Any, hit_id: int, fmt: str) -> int:
    rows = review_history(engine, hit_id)
    if fmt == "json":
        json.dump([asdict(r) for r in rows], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not rows:
        print(f"hit {hit_id} has no reviews")
    for r in rows:
        carried = f" (carried over from review {r.carried_from_id})" if r.carried_from_id else ""
        print(f"{r.reviewed_at}  {r.label:<17} {r.reviewer}{carried}" + (f" — {r.note}"
                                                                         if r.note else ""))
    return 0


def _list(engine: Any, args: argparse.Namespace) -> int:
    from db.filters import UNREVIEWED
    from evidence.services.export import write_csv

    found = reviewed_hits(engine, args.status)
    if args.format == "csv":
        write_csv(found, sys.stdout)
    elif args.format == "json":
        json.dump([h.to_dict() for h in found], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        table = Table("hit", "review", "reviewer", "when", "note", "sentence")
        for h in found:
            add_row(table, h.id, (h.review_status or UNREVIEWED).replace("_", "-"), h.reviewer,
                    (h.reviewed_at or "")[:10], h.review_note, h.sentence)
        console(piped_width=None).print(table)
        console(piped_width=None).print(f"{len(found)} hits")
    return 0
