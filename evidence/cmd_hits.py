"""The commands that read stored hits: hits (a list), show (one in context) and export."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from rich.markup import escape
from rich.table import Table
from rich.text import Text

from db.engine import data_dir_for, resolve_db_url
from db.hits import HitView
from evidence.hit_options import add_hit_filters, hit_filter
from evidence.plain import add_row, console
from evidence.services.errors import UserError
from evidence.services.export import FORMATS, write_csv, write_hits
from evidence.services.slots import format_slots


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add hits, show and export."""
    p = sub.add_parser("hits", parents=[common], help="list stored hits")
    add_hit_filters(p)
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=hits)

    p = sub.add_parser("show", parents=[common], help="show one hit in context with its citation")
    p.add_argument("hit_id", type=int)
    p.set_defaults(func=show)

    p = sub.add_parser("export", parents=[common], help="export all hits")
    p.add_argument("--format", choices=FORMATS, default="csv")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    p.set_defaults(func=export)


def hits(args: argparse.Namespace) -> int:
    """List stored hits as a table, JSON or CSV."""
    from evidence.services.hits import find

    found = find(args.db, hit_filter(args))
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


def show(args: argparse.Namespace) -> int:
    """Show one hit in its context, with its citation."""
    from evidence.services.cite import context
    from evidence.services.hits import in_context

    hit, text, citation = in_context(args.db, args.hit_id)
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
    from evidence.services.hits import all_hits

    with all_hits(args.db) as rows:
        target = open_output(args.output, args.force) if args.output else sys.stdout
        try:
            write_hits(rows, target, args.format)
        finally:
            if args.output:
                target.close()
    return 0
