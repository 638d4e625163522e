"""Search URLs: parameters become a Filter; odd values are ignored, never an error."""

from __future__ import annotations

from datetime import date

from web.params import link, search_filter


def test_url_parameters_become_a_filter() -> None:
    wanted = search_filter({"q": "南疆", "kind": "government", "from": "2023-01-01",
                            "page": "3", "sort": "relevance"}, limit=20)
    assert (wanted.query, wanted.kind, wanted.date_from) == ("南疆", "government",
                                                             date(2023, 1, 1))
    assert (wanted.offset, wanted.sort) == (40, "relevance")


def test_odd_values_fall_back_to_defaults() -> None:
    wanted = search_filter({"q": "x", "sort": "random()", "from": "yesterday", "page": "-1"})
    assert (wanted.sort, wanted.date_from, wanted.offset) == ("auto", None, 0)
    assert search_filter({"sort": "newest"}).sort == "newest"


def test_links_keep_the_order_and_reset_the_page() -> None:
    params = {"q": "和田", "sort": "newest", "page": "2"}
    assert link(params, kind="government") == "/?q=%E5%92%8C%E7%94%B0&sort=newest&kind=government"
    assert "sort" not in link(params, sort=None)
