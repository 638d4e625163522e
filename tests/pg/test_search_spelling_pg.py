"""tests/unit/test_search_spelling.py's database tests on PostgreSQL (tsvector over the same
folded tokens), and tests/unit/test_search_migration.py's rebuild of an old index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from db.search import pg_tsquery
from tests.unit.test_search_migration import check_upgrade_rebuilds_an_old_index
from tests.unit.test_search_spelling import (  # noqa: F401  (collected here with the PG fixture)
    fill,
    test_either_spelling_finds_the_same_documents,
    test_the_passage_marks_the_spelling_of_the_page,
)


@pytest.fixture()
def english(pg_url: str) -> Iterator[Engine]:
    """The English pages in a fresh PostgreSQL database."""
    engine = fill(pg_url)
    yield engine
    engine.dispose()


def test_tsquery_asks_for_the_one_spelling() -> None:
    assert pg_tsquery("Labour Uighur")[1] == pg_tsquery("labor uygur")[1] == {
        "t0": "labor", "t1": "uyghur"}


def test_upgrade_rebuilds_an_index_of_words_as_printed_pg(
        pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    check_upgrade_rebuilds_an_old_index(pg_url, capsys)
