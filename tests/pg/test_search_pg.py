"""Chinese full-text search, review and reprocessing tests of tests/unit, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from db.engine import data_dir_for, open_database, session_scope
from db.filters import Filter
from db.rawstore import RawStore
from db.search import pg_tsquery, search, sync_index
from db.store import SourceInfo, ensure_source, store_batch
from tests.unit.test_search import (  # noqa: F401  (collected here with the PG fixture)
    PAGES,
    SOURCES,
    record,
    test_capped_filters_agree_with_uncapped,
    test_capped_search_ranks_and_counts_the_newest_matches,
    test_cli_search_and_review,
    test_filters_and_facets,
    test_phrase_needs_its_words_together,
    test_reprocess_adds_hits_carries_reviews_reports_drops,
    test_review_is_appended_and_shown,
    test_two_character_words_and_both_scripts,
    titles,
)


@pytest.fixture()
def db(pg_url: str) -> Iterator[tuple[Engine, str]]:
    """tests/unit/test_search.py's fixture on PostgreSQL; the 'path' is the database URL."""
    engine = open_database(pg_url)
    with session_scope(engine) as session:
        for slug, (publisher, kind) in SOURCES.items():
            ensure_source(session, SourceInfo(slug, publisher, kind, "zh", "listing"))
        store_batch(session, RawStore(data_dir_for(pg_url)), [record(n) for n in PAGES], None)
    yield engine, pg_url
    engine.dispose()


def test_tsquery_uses_the_jieba_tokens() -> None:
    assert pg_tsquery("勞動力轉移 南疆") == (
        "(phraseto_tsquery('simple', :t0) || plainto_tsquery('simple', :p0))"
        " && phraseto_tsquery('simple', :t1)",
        {"t0": "劳动力转移", "p0": "劳动力 转移", "t1": "南疆"})


def test_sync_index_fills_gaps_pg(db: tuple[Engine, str]) -> None:
    engine, _ = db
    with session_scope(engine) as session:
        session.execute(text("DELETE FROM search_tokens"))
    assert titles(engine, query="南疆") == []
    with session_scope(engine) as session:
        assert sync_index(session) == 3
        assert sync_index(session) == 0
    assert len(titles(engine, query="南疆")) == 2


def test_title_match_ranks_first_and_ranks_are_negative(db: tuple[Engine, str]) -> None:
    engine, _ = db
    with session_scope(engine) as session:
        page = search(session, Filter(query="劳动力"))
    ranks = [r.rank for r in page.results]
    assert page.total == 3 and all(r is not None and r < 0 for r in ranks)
    assert ranks == sorted(ranks)  # type: ignore[type-var]
