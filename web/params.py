"""Search parameters in the URL: parsing them into a Filter and building facet links."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from db.filters import Filter
from db.ids import record_id
from db.search import FACETS, SORTS
from pipelines.text.lexicon import LABOUR_CATEGORIES

PAGE_SIZE = 20
KEYS = ("q", *FACETS, "from", "to", "sort")

KIND_LABELS = {"state_media": "State media", "government": "Government notices",
               "company": "Company"}
CATEGORY_LABELS = {
    "surplus_labour": "Surplus labour", "transfer": "Transfer",
    "organised_transfer": "Organised transfer", "channel": "Transfer channel",
    "dispatch": "Dispatch / programme", "targeted": "Targeted people",
    "camp_to_work": "Camp to work", "control": "Control", "political": "Political",
    "cadre": "Cadre mobilisation", "soft": "Softer wording", "place": "Place",
    "company": "Company", "figure": "Figure", "counter": "Counter-indicator",
    "who": "Who is moved", "move": "Movement", "destination": "Destination",
    "organiser": "Organiser", "programme": "Programme", "inward": "Into Xinjiang",
    "trap": "Trap", "elsewhere": "Elsewhere in China",
}
# what an analyst may say a missed document is evidence of (optional): the lexicon's families
MISSED_CATEGORIES = LABOUR_CATEGORIES
REVIEW_LABELS = {"confirmed": "Confirmed", "rejected": "Rejected",
                 "needs_translation": "Needs translation", "unreviewed": "Not reviewed"}
FACET_TITLES = {"kind": "Source kind", "source": "Source", "category": "Category",
                "company": "Company", "year": "Year", "language": "Language",
                "review": "Review state", "flagged": "Flagged"}


def label(facet: str, value: str) -> str:
    """How a facet value is shown."""
    table = {"kind": KIND_LABELS, "category": CATEGORY_LABELS, "review": REVIEW_LABELS}
    return table.get(facet, {}).get(value, value)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _page(value: str | None) -> int:
    number = record_id(value) if value and len(value) < 6 else None
    return max(1, number or 1)


def search_filter(params: Mapping[str, str], limit: int = PAGE_SIZE) -> Filter:
    """The filter a search URL asks for (unknown or malformed values are ignored)."""
    values: dict[str, Any] = {  # facet names: str | None each
        name: (params.get(name) or "").strip()[:200] or None for name in FACETS}
    sort = params.get("sort") or "auto"
    return Filter(
        query=(params.get("q") or "")[:500], date_from=_date(params.get("from")),
        date_to=_date(params.get("to")), limit=limit,
        offset=(_page(params.get("page")) - 1) * limit,
        sort=sort if sort in SORTS else "auto", **values,
    )


def current(params: Mapping[str, str]) -> dict[str, str]:
    """The search parameters in use (without the page number)."""
    return {k: params[k] for k in KEYS if params.get(k)}


def link(params: Mapping[str, str], **changes: str | None) -> str:
    """The search URL with some parameters set (or removed with None), back on page 1."""
    merged = current(params)
    for key, value in changes.items():
        key = key.rstrip("_")
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return "/?" + urlencode(merged) if merged else "/"


def page_link(params: Mapping[str, str], page: int) -> str:
    """The same search on another page."""
    return "/?" + urlencode({**current(params), "page": str(page)})


def export_link(params: Mapping[str, str], fmt: str) -> str:
    """The export URL of the current result set."""
    query = urlencode(current(params))
    return f"/export.{fmt}" + (f"?{query}" if query else "")
