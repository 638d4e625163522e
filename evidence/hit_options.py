"""The options that filter hits, shared by hits, export-wacz and pack, and their Filter."""

from __future__ import annotations

import argparse

from db.filters import Filter
from evidence.argtypes import iso_date


def add_hit_filters(parser: argparse.ArgumentParser) -> None:
    """Add the options that filter hits (shared by hits, export and search)."""
    parser.add_argument("--term", help="only hits that matched this lexicon term")
    parser.add_argument("--category", help="only hits in this category (e.g. transfer)")
    parser.add_argument("--company", help="only hits naming this company (canonical name)")
    parser.add_argument("--source", help="only hits from this source slug")
    parser.add_argument("--kind", choices=["state_media", "government", "company"])
    parser.add_argument("--from", dest="date_from", type=iso_date, help="published on/after")
    parser.add_argument("--to", dest="date_to", type=iso_date, help="published on/before")
    parser.add_argument("--min-score", type=float, help="only hits scoring at least this")
    parser.add_argument("--limit", type=int, help="at most this many hits")


def hit_filter(args: argparse.Namespace) -> Filter:
    """The Filter of the options added by add_hit_filters (any company spelling works)."""
    from pipelines.text.lexicon import canonical_company

    company = (canonical_company(args.company) or args.company) if args.company else None
    return Filter(
        term=args.term, category=args.category, company=company, source=args.source,
        kind=args.kind, date_from=args.date_from, date_to=args.date_to,
        min_score=args.min_score, limit=args.limit,
    )
