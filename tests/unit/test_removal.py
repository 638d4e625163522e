"""Removal signals: 404/410, soft-404 pages, redirects to the home page."""

import pytest

from pipelines.text.removal import is_home_redirect, removal_signal, soft_404_phrase

URL = "http://example.test/xinwen/202304/t20230418_123301.html"


@pytest.mark.parametrize(("status", "expected"), [(404, "http_404"), (410, "http_410"),
                                                  (500, None), (403, None), (None, None)])
def test_status_codes(status: int | None, expected: str | None) -> None:
    assert removal_signal(status, URL, URL, None, None) == expected


@pytest.mark.parametrize(("title", "text", "expected"), [
    ("提示信息", "对不起，该信息已删除！返回首页", "该信息已删除"),
    ("页面不存在_示范网", "", "页面不存在"),
    ("提示", "您访问的页面不存在或已被删除", "您访问的页面不存在"),
    ("提示", "該信息已刪除", "該信息已刪除"),
    ("404 Not Found", "", "404 not found"),
    ("喀什地区转移就业", "今年一季度，喀什地区有组织转移农村富余劳动力11.2万人。", None),
])
def test_soft_404_pages(title: str, text: str, expected: str | None) -> None:
    assert soft_404_phrase(title, text) == expected
    signal = removal_signal(200, URL, URL, title, text)
    assert signal == (f"soft_404: {expected}" if expected else None)


def test_long_article_quoting_the_phrase_is_not_a_soft_404() -> None:
    article = "网友反映“页面不存在”的问题已解决。" + "转移就业工作稳步推进。" * 200
    assert removal_signal(200, URL, URL, "网站运维通报", article) is None


@pytest.mark.parametrize(("final", "expected"), [
    ("http://example.test/", True),
    ("http://example.test/index.html", True),
    ("http://www.example.test/index.shtml", True),
    ("http://example.test/xinwen/202304/t20230418_123302.html", False),
    (URL, False),
])
def test_redirect_home(final: str, expected: bool) -> None:
    assert is_home_redirect(URL, final) is expected
    assert (removal_signal(200, URL, final, None, None) == f"redirect_home: {final}") is expected


def test_home_page_itself_is_never_a_redirect_home() -> None:
    assert not is_home_redirect("http://example.test/index.html", "http://example.test/")
