"""`evidence search`: full-text search of every stored document, passages marked."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from evidence.argtypes import iso_date

if TYPE_CHECKING:
    from evidence.services.search import IndexRefresh


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add search."""
    p = sub.add_parser("search", parents=[common], help="full-text search of every document")
    p.add_argument("query", nargs="*", help="words or phrases, Simplified or Traditional")
    p.add_argument("--all", action="store_true",
                   help="with no words: list the documents the filters match (needs a filter)")
    p.add_argument("--source", help="only this source slug")
    p.add_argument("--kind", choices=["state_media", "government", "company"])
    p.add_argument("--from", dest="date_from", type=iso_date, help="published on/after")
    p.add_argument("--to", dest="date_to", type=iso_date, help="published on/before")
    p.add_argument("--language", help="only documents in this language (zh, en ...)")
    p.add_argument("--flagged", action="store_true", help="only documents with hits")
    p.add_argument("--limit", type=int, default=20, help="at most this many documents")
    p.add_argument("--sort", choices=["auto", "relevance", "newest"], default="auto",
                   help="order of results (auto: most relevant first, newest first when more "
                        "match than one search ranks; docs/search-scale.md)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=search)


def _console() -> Console:
    return Console(highlight=False, emoji=False, soft_wrap=True)


def _rich(segments: list[tuple[str, bool]], styled: bool = True) -> str:
    """Marked segments as rich markup: bold yellow on a terminal, «like this» in a pipe."""
    start, end = ("[bold yellow]", "[/bold yellow]") if styled else ("«", "»")
    return "".join(f"{start}{escape(t)}{end}" if hit else escape(t) for t, hit in segments)


def _say_refresh(refreshed: IndexRefresh) -> None:
    """Say on standard error what bringing the full-text index up to date did."""
    if refreshed.error is not None:
        print(f"evidence: warning: index not updated: {refreshed.error}", file=sys.stderr)
    elif refreshed.added:
        print(f"indexed {refreshed.added} version(s) for full-text search", file=sys.stderr)


def search(args: argparse.Namespace) -> int:
    """Search every stored document; print ranked results with the passage marked."""
    from db.filters import Filter
    from evidence.services.search import check_query, search_documents

    query = " ".join(args.query)
    wanted = Filter(
        query=query, source=args.source, kind=args.kind, language=args.language,
        flagged="yes" if args.flagged else None, date_from=args.date_from,
        date_to=args.date_to, limit=max(1, args.limit), sort=args.sort)
    check_query(wanted, args.all)
    refreshed, page = search_documents(args.db, wanted)
    _say_refresh(refreshed)
    if args.format == "json":
        rows = [asdict(r.facts) | {"rank": r.rank, "passage": "".join(t for t, _ in r.passage),
                                   "marked": [t for t, hit in r.passage if hit]}
                for r in page.results]
        json.dump({"query": query, "total": page.total, "capped": page.capped,
                   "order": page.order, "results": rows}, sys.stdout,
                  ensure_ascii=False, indent=2, default=_json_default)
        print()
        return 0
    _search_table(page, query)
    return 0


def _json_default(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(value)
    return str(value)


def _search_table(page: Any, query: str) -> None:
    out = _console()
    for number, result in enumerate(page.results, 1):
        f = result.facts
        title = _rich(result.title, out.is_terminal) if f.title else "(untitled)"
        hits = f" · {f.hits} hit(s)" if f.hits else ""
        out.print(f"[bold]{number}. {title}[/bold]")
        out.print(f"   [dim]doc {f.document_id} · {escape(f.source)} · "
                  f"{escape(str(f.published_at or 'n.d.'))} · {escape(f.language)}{hits}[/dim]")
        out.print("   " + _rich(result.passage, out.is_terminal))
        out.print(f"   {escape(f.url)}\n")
    more = "+ (the newest that meet the filters; add words or filters)" if page.capped else ""
    order = {"relevance": "most relevant first", "newest": "newest first"}.get(page.order, "")
    out.print(f"{page.total}{more} document(s) match “{escape(query)}”; "
              f"showing {len(page.results)}" + (f", {order}" if order else ""))
