"""The desk's search page with no words: it asks for words (facets still offered) and lists no
document, unless a facet is chosen; the same rule as `evidence search` without --all."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():  # Starlette suggests httpx2; httpx is what we pin
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from tests.review_db import PAGES, store_pages
from web.app import create_app


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    db = str(tmp_path / "e.db")
    store_pages(db, PAGES)
    return TestClient(create_app(db, "Analyst E"), base_url="http://127.0.0.1:8750")


@pytest.mark.parametrize("path", ["/", "/?q=", "/?q=%20%20", "/?q=&sort=newest&page=2"])
def test_no_words_and_no_filter_lists_nothing(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert 'id="ask-query"' in page.text and "Type words to search for" in page.text
    assert 'class="result"' not in page.text and 'id="total"' not in page.text
    assert 'id="facet-kind"' in page.text  # the facets remain, to list a chosen set


def test_a_chosen_facet_lists_its_documents(client: TestClient) -> None:
    page = client.get("/?kind=government")
    assert page.status_code == 200 and 'id="ask-query"' not in page.text
    assert page.text.count('class="result"') == 4  # gov-a, gov-b, gov-c, gov-d
    words = client.get("/?q=和田")
    assert 'id="ask-query"' not in words.text and 'class="result"' in words.text
