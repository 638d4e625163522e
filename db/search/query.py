"""Running a search: match the index, keep whole phrases, filter, rank, page.

Both backends are asked for the query's tokens (``db.search.tokens``); a token jieba might
have cut differently is also found through its parts (FTS5: NEAR each other; PostgreSQL: all
of them). The phrase check that follows (``phrase_words``) keeps only texts where the word
itself occurs, on both backends. Ranks are lower-is-better on both: bm25 or negated ts_rank,
the title weighing three times the body.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.backend import POSTGRES, SQLITE, backend_of
from db.chunks import chunks
from db.current import current_extraction
from db.filters import Filter, conditions
from db.models import Document, Source, Version
from db.queries import version_titles
from db.search.facets import FACETS, Candidate, candidates_of, facets, failed
from db.search.highlight import highlight, highlight_words, passage
from db.search.index import has_index
from db.search.results import MAX_MATCHES, PAGE_SIZE, SearchPage, SearchResult, page_facts
from db.search.tokens import phrase_words, query_clauses, query_tokens, search_fold
from pipelines.text.normalise import is_folded
from pipelines.text.spelling import LATIN


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression of a user query; '' when it has nothing to search for."""
    return SQLITE.match_expression(query_clauses(query))


def pg_tsquery(query: str) -> tuple[str, dict[str, str]]:
    """The PostgreSQL tsquery expression (and its parameters) of a user query."""
    return POSTGRES.tsquery(query_clauses(query))


def _ranks(session: Session, query: str, cap: int, where: Sequence[Any] = (),
           ranked: bool = True) -> dict[int, float]:
    """The newest ``cap`` versions matching that also meet the ``where`` conditions (on
    versions, documents and sources), with their rank (lower is better; titles weigh 3x),
    or 0.0 each when not ``ranked``."""
    return backend_of(session).ranks(session, query_clauses(query), cap, where, ranked, _joined)


def _joined(found: Any, index: Any, version_id: Any) -> Any:
    """``found`` (over the search table) joined to versions, documents and sources."""
    return (found.join_from(index, Version, Version.id == version_id)
            .join(Document, Version.document_id == Document.id)
            .join(Source, Document.source_id == Source.id))


def _contiguous(session: Session, ranks: dict[int, float], words: list[str]
                ) -> dict[int, float]:
    """Only the versions whose folded title or text contains every phrase word as typed.

    Cheapest proof first: a word that is one index token is in every text indexed with that
    token; then the database keeps the versions whose own title or text (when current) has
    every word as is, which the folded text has too; only the rest are read and folded here.
    """
    if not words or not ranks:
        return ranks
    todo = set(ranks)
    backend = backend_of(session)
    for word in words:
        if query_tokens(word) == [word]:
            todo -= backend.with_token(session, word, min(ranks), max(ranks))
    todo -= _holding(session, sorted(todo), words)
    texts = version_titles(session, todo)
    return {vid: rank for vid, rank in ranks.items() if vid not in todo or (
        vid in texts and all(_folded_has(texts[vid][0], w) or _folded_has(texts[vid][1], w)
                             for w in words))}


def _folded_has(value: str, word: str) -> bool:
    """Whether ``value``, folded for search, contains ``word`` (most texts fold to themselves:
    Chinese ones often do, English ones when every word is spelt the one way)."""
    if word in value:
        return True
    if is_folded(value) and not LATIN.search(value):
        return False
    return word in search_fold(value)


def _holding(session: Session, ids: list[int], words: list[str]) -> set[int]:
    """Of ``ids``, the versions whose own title or text has every word as is (when current)."""
    position = backend_of(session).position
    held = [or_(position(Version.text, w) > 0, position(func.coalesce(Version.title, ""), w) > 0)
            for w in words]
    found: set[int] = set()
    for chunk in chunks(ids):
        found.update(session.scalars(select(Version.id).where(
            Version.id.in_(chunk), current_extraction().is_(None), *held)))
    return found


def _best_per_document(rows: list[Candidate], ranks: dict[int, float] | None
                       ) -> list[Candidate]:
    """One version per document: the best-ranked, newest on ties."""
    best: dict[int, Candidate] = {}
    for row in rows:
        held = best.get(row.document_id)
        if held is None or _order(row, ranks) < _order(held, ranks):
            best[row.document_id] = row
    return list(best.values())


def _order(row: Candidate, ranks: dict[int, float] | None) -> tuple[float, ...]:
    if ranks is not None:
        return (ranks[row.version_id], -row.version_id)
    day = row.published_at.toordinal() if row.published_at else 0
    return (-row.score, -day, -row.version_id)


def _matching(session: Session, f: Filter, cap: int
              ) -> tuple[dict[int, float] | None, list[int] | None, bool]:
    """Ranks of the matching versions (None: no query; all 0.0: newest first), the ids to
    read (None: all), and whether there were more than ``cap``.

    Over the cap, the newest ``cap`` versions meeting the filters are read (not the newest
    matches, then filtered), so a filter finds what it asks for in a large archive.
    """
    query = f.query.strip()
    ranks = _ranks(session, query, cap + 1, ranked=False) if query else None
    newest = list(ranks) if ranks is not None else list(session.scalars(
        select(Version.id).order_by(Version.id.desc()).limit(cap + 1)))
    capped = len(newest) > cap
    where = conditions(f, "versions") if capped else []
    if ranks is not None and (where or _ranked(f, capped)):
        ranks = _ranks(session, query, cap + 1, where, _ranked(f, capped))
    elif where:
        newest = list(session.scalars(
            select(Version.id).join(Document, Version.document_id == Document.id)
            .join(Source, Document.source_id == Source.id)
            .where(*where).order_by(Version.id.desc()).limit(cap + 1)))
    if ranks is not None:
        if len(ranks) > cap:
            ranks.pop(min(ranks))
        ranks = _contiguous(session, ranks, phrase_words(query))
        return ranks, list(ranks), capped
    return None, (newest[:cap] if capped else None), capped


_ORDER = {(True, True): "relevance", (True, False): "newest", (False, False): "score"}


def _ranked(f: Filter, capped: bool) -> bool:
    """Whether results are ordered by relevance (else newest first)."""
    return f.sort == "relevance" or (f.sort != "newest" and not capped)


def search(session: Session, f: Filter, cap: int = MAX_MATCHES) -> SearchPage:
    """Search the stored versions; rank, filter, count facets and mark the passages.

    At most ``cap`` matching versions (the newest) are ranked and counted: see ``SearchPage``.
    """
    if f.query.strip() and (not query_tokens(f.query) or not has_index(session)):
        return SearchPage(total=0, facets={name: [] for name in FACETS})
    ranks, ids, capped = _matching(session, f, cap)
    rows = _best_per_document(candidates_of(session, ids), ranks)
    chosen = sorted((r for r in rows if not failed(r, f)), key=lambda r: _order(r, ranks))
    needles = highlight_words(f.query) if f.query.strip() else []
    limit = PAGE_SIZE if f.limit is None else f.limit
    page = chosen[f.offset:f.offset + limit]
    facts = page_facts(session, page)
    texts = version_titles(session, list(facts))
    ranked = ranks is not None and _ranked(f, capped)
    results = [SearchResult(facts[r.version_id], ranks[r.version_id] if ranks and ranked
                            else None,
                            highlight(texts[r.version_id][0], needles),
                            passage(texts[r.version_id][1], needles))
               for r in page]
    return SearchPage(total=len(chosen), results=results, facets=facets(rows, f),
                      needles=needles, version_ids=[r.version_id for r in chosen],
                      capped=capped, order=_ORDER[ranks is not None, ranked])
