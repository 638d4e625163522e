"""Huge and malformed ids against a desk over PostgreSQL, whose integer columns overflow beyond
2**31 - 1 (a bare 500 before): every route that takes an id answers 404 or 400, over real HTTP
to a running desk, and nothing is recorded."""

from __future__ import annotations

from tests.review_db import PAGES, ids, store_pages
from tests.web.attacks import decisions, expected_id_answers, id_answers
from tests.web.conftest import serve


def test_huge_and_malformed_ids_are_404_or_400_on_postgresql(pg_url: str) -> None:
    store_pages(pg_url, PAGES)
    docs, _ = ids(pg_url)
    with serve(pg_url, "Analyst P") as desk:
        assert id_answers(desk.url, docs["gov-a"]) == expected_id_answers(docs["gov-a"])
    assert decisions(pg_url) == 0
