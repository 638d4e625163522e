"""What a search returns: a page of documents with marked passages, totals and facets."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Document, Source, Version
from db.queries import VersionFacts
from db.search.facets import Candidate
from db.search.highlight import Segments

MAX_MATCHES = 1_000  # matching versions ranked and counted per search (newest first)
SORTS = ("auto", "relevance", "newest")
PAGE_SIZE = 20  # results per page when the filter sets no limit


@dataclass(frozen=True)
class SearchResult:
    """One matching document (its best-matching version) with the passage to read."""

    facts: VersionFacts
    rank: float | None
    title: Segments
    passage: Segments


@dataclass
class SearchPage:
    """A page of results, the total, and facet counts over the whole result set.

    ``capped``: more than ``MAX_MATCHES`` versions match, so ranking, ``total``, facets and
    ``version_ids`` cover only the ``MAX_MATCHES`` newest matching versions that meet the
    filters (and a facet then counts only among them, the chosen value included).
    ``order``: "relevance" (bm25, titles 3x) or "newest" (newest stored first): a capped
    search is shown newest first unless relevance is asked for (``Filter.sort``);
    "score" without a query (flagged documents by score, then date).
    """

    total: int
    results: list[SearchResult] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    needles: list[str] = field(default_factory=list)
    version_ids: list[int] = field(default_factory=list)  # the whole result set, ranked
    capped: bool = False
    order: str = "relevance"


def page_facts(session: Session, page: list[Candidate]) -> dict[int, VersionFacts]:
    """The facts shown for a page of candidates (what facets counted, plus url and title)."""
    query = (select(Version.id, Document.url, Version.title,
                    func.coalesce(Version.publisher, Source.publisher))
             .join(Document, Version.document_id == Document.id)
             .join(Source, Document.source_id == Source.id)
             .where(Version.id.in_([c.version_id for c in page])))
    shown = {row[0]: row[1:] for row in session.connection().execute(query)}
    out = {}
    for c in page:
        url, title, publisher = shown[c.version_id]
        kind, source, categories, companies, _, language, reviews, flagged = c.values
        out[c.version_id] = VersionFacts(
            version_id=c.version_id, document_id=c.document_id, url=url, title=title,
            publisher=publisher, published_at=c.published_at, language=language[0],
            flagged=flagged == ("yes",), score=c.score, source=source[0], kind=kind[0],
            hits=c.hits, categories=frozenset(categories), companies=frozenset(companies),
            reviews=frozenset(reviews))
    return out
