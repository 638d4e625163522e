"""Hits written out as CSV and JSON Lines; CSV cells that a spreadsheet shows as text, never
runs as a formula (CSV injection).

A crawled page's title, a 来源 line or a review note is written by people we investigate or
by users; a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel, LibreOffice and Google Sheets. The OWASP rule: prefix such a cell with a
single quote and keep the rest. Every CSV the project writes goes through ``safe_cell``
(``evidence export``, ``hits``, ``review``, the desk's export, the evidence pack); JSON and
JSON Lines keep the text raw.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from evidence.services.slots import format_slots

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db.filters import Filter
    from db.hits import HitView

CSV_FIELDS = [
    "id", "url", "title", "publisher", "origin", "doc_number", "published_at", "retrieved_at",
    "sha256", "raw_path", "sentence", "start", "end", "terms", "categories", "companies",
    "score", "lexicon_version", "language", "source", "kind", "page", "archive_url",
    "archive_timestamp",
    "review_status", "reviewer", "reviewed_at", "review_note", "slots",
]
FORMATS = ("csv", "jsonl")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with a leading single quote when it is text that starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_rows(out: TextIO, fields: list[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """Write a header and dict rows (only ``fields``), every cell through ``safe_cell``."""
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([safe_cell(row.get(name)) for name in fields])


def write_lists(out: TextIO, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """Write a header and list rows, every cell through ``safe_cell``."""
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)


def _flat(hit: HitView) -> dict[str, Any]:
    row = hit.to_dict()
    for key in ("terms", "categories", "companies"):
        row[key] = "; ".join(row[key])
    row["slots"] = format_slots(hit.slots)
    return {k: row[k] for k in CSV_FIELDS}


def write_csv(found: Iterable[HitView], out: TextIO) -> None:
    """Write hits as CSV with one row per hit, every cell through ``safe_cell``."""
    write_rows(out, CSV_FIELDS, (_flat(hit) for hit in found))


def write_jsonl(found: Iterable[HitView], out: TextIO) -> None:
    """Write hits as JSON Lines, one hit a line, every text exactly as stored."""
    for hit in found:
        out.write(json.dumps(hit.to_dict(), ensure_ascii=False) + "\n")


def write_hits(found: Iterable[HitView], out: TextIO, fmt: str) -> None:
    """Write hits in ``fmt``: one of ``FORMATS``."""
    (write_csv if fmt == "csv" else write_jsonl)(found, out)


def search_hits(session: Session, wanted: Filter) -> Iterator[HitView]:
    """Current hits of a search's result set that also match its hit-level facets."""
    from db.filters import Filter
    from db.hits import iter_hits
    from db.search import search

    ids = search(session, wanted).version_ids
    review = wanted.review if wanted.review else None
    for start in range(0, len(ids), 500):
        chunk = Filter(version_ids=tuple(ids[start:start + 500]), category=wanted.category,
                          company=wanted.company, review=review)
        yield from iter_hits(session, f=chunk)
