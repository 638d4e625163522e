"""The body-charset middleware fixes pages whose HTTP header lies about the encoding."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.middlewares import BodyCharsetMiddleware, SourceProxyMiddleware

PAGE = '<html><head><meta charset="gbk"></head><body><p>劳动力转移就业</p></body></html>'


def middleware() -> BodyCharsetMiddleware:
    crawler = get_crawler()
    crawler.stats.open_spider()  # type: ignore[union-attr]
    return BodyCharsetMiddleware.from_crawler(crawler)


def response(body: bytes, content_type: str) -> HtmlResponse:
    url = "http://127.0.0.1:9/a.html"
    return HtmlResponse(url, body=body, headers={"Content-Type": content_type},
                        request=Request(url))


def test_gbk_page_labelled_utf8_is_redecoded() -> None:
    wrong = response(PAGE.encode("gbk"), "text/html; charset=utf-8")
    assert "劳动力" not in wrong.text
    fixed = middleware().process_response(wrong.request, wrong)  # type: ignore[arg-type]
    assert "劳动力转移就业" in fixed.text  # type: ignore[attr-defined]


def test_correct_header_is_left_alone() -> None:
    right = response(PAGE.replace("gbk", "utf-8").encode("utf-8"), "text/html; charset=utf-8")
    assert middleware().process_response(right.request, right) is right  # type: ignore[arg-type]


def test_source_override_wins() -> None:
    page = response(PAGE.encode("gbk"), "text/html")
    page.request.meta["encoding_override"] = "gb18030"  # type: ignore[union-attr]
    fixed = middleware().process_response(page.request, page)  # type: ignore[arg-type]
    assert "劳动力转移就业" in fixed.text  # type: ignore[attr-defined]


def test_proxy_is_set_per_source() -> None:
    crawler = get_crawler(settings_dict={"EVIDENCE_SOURCE_PROXY": "http://127.0.0.1:3128"})
    request = Request("http://127.0.0.1:9/")
    SourceProxyMiddleware.from_crawler(crawler).process_request(request)
    assert request.meta["proxy"] == "http://127.0.0.1:3128"
