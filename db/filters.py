"""One filter for hits, search and export, and the SQL conditions it stands for."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import case, false, or_, select

from db.current import current_flagged, is_current_hit, latest_review_status
from db.models import Extraction, Hit, Review, Source, Version

REVIEW_STATES = ("confirmed", "rejected", "needs_translation")
UNREVIEWED = "unreviewed"
Level = Literal["hits", "versions"]


@dataclass(frozen=True)
class Filter:
    """A search's words and conditions on hits and versions; unset fields do not filter."""

    query: str = ""
    term: str | None = None
    category: str | None = None
    company: str | None = None
    source: str | None = None
    kind: str | None = None
    year: str | None = None  # "2023", or "n.d." for undated documents
    language: str | None = None
    review: str | None = None  # a REVIEW_STATES value or "unreviewed"
    flagged: str | None = None  # "yes" | "no"
    date_from: date | None = None
    date_to: date | None = None
    min_score: float | None = None
    version_ids: tuple[int, ...] | None = None
    all_lexicons: bool = False  # also hits superseded by a newer lexicon's reprocessing
    limit: int | None = None  # hits: all when None; search: a page of PAGE_SIZE
    offset: int = 0
    sort: str = "auto"  # relevance | newest | auto: relevance unless the matches are capped


def json_contains(column: Any, value: str) -> Any:
    """``column`` (a JSON list as text) holds the string ``value``."""
    return column.like("%" + json.dumps(value, ensure_ascii=False) + "%")


def _term_matched(term: str) -> Any:
    """Hits that matched ``term`` as typed or in its one spelling: lexicon terms are stored
    folded (surplus labour -> surplus labor, 轉移 -> 转移, Hetian -> hotan)."""
    from db.search_words import spellings
    from pipelines.text.normalise import fold_for_matching

    forms = dict.fromkeys((term, spellings().text(fold_for_matching(term))))
    return or_(*(json_contains(Hit.terms, form) for form in forms))


def _hit_published() -> Any:
    """The publication date read from the text the hit was found in."""
    return case((Hit.extraction_id.is_(None), Version.published_at),
                else_=Extraction.published_at)


def _of_version(f: Filter, published: Any) -> list[Any]:
    """Conditions on the version, its document and source, and ``published``."""
    where: list[Any] = [column == value for column, value in (
        (Source.kind, f.kind), (Source.slug, f.source), (Version.language, f.language)) if value]
    if f.year == "n.d.":
        where.append(Version.published_at.is_(None))
    elif f.year and f.year.isdigit():
        where.append(Version.published_at.between(date(int(f.year), 1, 1),
                                                  date(int(f.year), 12, 31)))
    elif f.year:
        where.append(false())
    if f.flagged:
        where.append(current_flagged() == (f.flagged == "yes"))
    if f.date_from:
        where.append(published >= f.date_from)
    if f.date_to:
        where.append(published <= f.date_to)
    return where


def _of_hit(f: Filter, review_status: Any) -> list[Any]:
    """Conditions on the hit itself and its latest review's ``review_status``."""
    where = [json_contains(getattr(Hit, name), value) for name, value in (
        ("categories", f.category), ("companies", f.company)) if value]
    if f.term:
        where.append(_term_matched(f.term))
    if f.min_score is not None:
        where.append(Hit.score >= f.min_score)
    if f.review:
        where.append(review_status.is_(None) if f.review == UNREVIEWED
                     else review_status == f.review)
    return where


def conditions(f: Filter, level: Level) -> list[Any]:
    """The filters of ``f`` as SQL conditions.

    ``"hits"``: on hits joined to their version, document, source, latest review and
    extraction (dates are those of the text the hit was found in). ``"versions"``: on versions
    joined to their documents and sources; the hit filters ask for some current hit of the
    version that meets them.
    """
    if level == "hits":
        where = _of_version(f, _hit_published()) + _of_hit(f, Review.status)
        if f.version_ids is not None:
            where.append(Hit.version_id.in_(f.version_ids))
        return where if f.all_lexicons else [*where, is_current_hit()]
    where = _of_version(f, Version.published_at)
    held = _of_hit(f, latest_review_status())
    if held:
        where.append(select(Hit.id).where(Hit.version_id == Version.id, is_current_hit(),
                                          *held).exists())
    return where
