"""The generic listing spider on real Scrapy responses (no network)."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.items import CaptureItem
from crawler.sources import SourceConfig
from crawler.spider_loader import SourceSpiderLoader, spider_for
from crawler.spiders.listing import ListingSpider, failure_reason

BASE = "http://127.0.0.1:9/news/"
LISTING = """<html><body>
<ul class="list"><li><a href="202305/t20230510_1.html">一</a></li>
<li><a href=" 202305/t20230511_2.html ">二</a></li>
<li><a href="202305/t20230510_1.html">一（重复）</a></li>
<li><a href="/about.html">关于</a></li></ul>
<div class="page"><a class="next" href="index_1.html">下一页</a></div>
</body></html>"""


def source(**overrides: Any) -> SourceConfig:
    data: dict[str, Any] = {
        "slug": "test-news", "publisher": "示例新闻网", "kind": "state_media", "language": "zh",
        "start_urls": [BASE + "index.html"],
        "links": {"article": {"css": "ul.list a", "pattern": r"/t\d{8}_\d+\.html$"},
                  "next_page": {"css": "div.page a.next"}, "max_pages": 2},
    }
    data.update(overrides)
    return SourceConfig.model_validate(data)


def make_spider(src: SourceConfig) -> ListingSpider:
    cls = spider_for(src)
    crawler = get_crawler(cls)
    crawler.stats.open_spider()  # type: ignore[union-attr]
    spider = cls.from_crawler(crawler)
    return spider


def listing_response(url: str = BASE + "index.html", page: int = 1, body: str = LISTING,
                     status: int = 200) -> HtmlResponse:
    request = Request(url, meta={"page": page})
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8", request=request,
                        status=status, headers={"Content-Type": "text/html; charset=utf-8"})


def test_listing_yields_capture_articles_and_next_page() -> None:
    out = list(make_spider(source()).parse_listing(listing_response()))
    assert isinstance(out[0], CaptureItem) and out[0].kind == "listing"
    requests = [r for r in out if isinstance(r, Request)]
    assert [r.url for r in requests] == [
        BASE + "202305/t20230510_1.html", BASE + "202305/t20230511_2.html",
        BASE + "index_1.html",
    ]
    assert requests[0].meta["handle_httpstatus_list"][0] == 400


def test_max_pages_stops_pagination() -> None:
    out = list(make_spider(source()).parse_listing(listing_response(page=2)))
    assert BASE + "index_1.html" not in [r.url for r in out if isinstance(r, Request)]


def test_listing_without_links_is_counted_loudly() -> None:
    spider = make_spider(source())
    out = list(spider.parse_listing(listing_response(body="<html><p>改版了</p></html>")))
    assert len(out) == 1
    assert spider.crawler.stats.get_value("evidence/listing_without_links") == 1


def test_http_error_is_captured_not_followed() -> None:
    out = list(make_spider(source()).parse_listing(listing_response(status=404)))
    assert [(i.kind, i.error, i.http_status) for i in out] == [("listing", "http_404", 404)]


def test_article_capture_keeps_bytes_headers_and_source_data() -> None:
    spider = make_spider(source(encoding="gb18030", selectors={"body": "div.c"}))
    url = BASE + "202305/t20230510_1.html"
    body = "<html><div class='c'>正文</div></html>".encode("gb18030")
    response = HtmlResponse(url, body=body, request=Request(url),
                            headers={"Content-Type": "text/html; charset=utf-8"})
    [item] = list(spider.parse_article(response))
    assert item.body == body and item.error is None and item.http_status == 200
    assert item.headers["Content-Type"] == ["text/html; charset=utf-8"]
    assert (item.encoding_override, item.selectors, item.publisher) == (
        "gb18030", {"body": "div.c"}, "示例新闻网")


@pytest.mark.parametrize(
    ("exc", "prefix"),
    [(DownloadTimeoutError("took too long"), "timeout"),
     (DownloadCancelledError("expected response size larger than maxsize"), "too_large"),
     (ValueError("odd"), "download_failed: ValueError")],
)
def test_failures_are_recorded_with_reason(exc: Exception, prefix: str) -> None:
    spider = make_spider(source())
    request = Request(BASE + "x.html", callback=spider.parse_article)
    failure = Failure(exc)
    failure.request = request  # type: ignore[attr-defined]
    [item] = list(spider.on_error(failure))
    assert item.error and item.error.startswith(prefix)
    assert failure_reason(failure).startswith(prefix)
    assert item.kind == "article" and item.body is None


def test_robots_ignored_request_is_not_a_capture() -> None:
    spider = make_spider(source())
    failure = Failure(IgnoreRequest("Forbidden by robots.txt"))
    failure.request = Request(BASE + "private.html")  # type: ignore[attr-defined]
    assert list(spider.on_error(failure)) == []


def test_politeness_becomes_crawler_settings() -> None:
    src = source(politeness={"download_delay": 2.5, "concurrency": 3, "download_timeout": 7,
                             "download_maxsize": 1000, "proxy": "http://127.0.0.1:3128"})
    crawler = get_crawler(spider_for(src))
    settings = crawler.settings
    assert settings.getfloat("DOWNLOAD_DELAY") == 2.5
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 3
    assert settings.getint("DOWNLOAD_MAXSIZE") == 1000
    assert settings.get("EVIDENCE_SOURCE_PROXY") == "http://127.0.0.1:3128"


def test_spider_loader_lists_every_source() -> None:
    loader = SourceSpiderLoader({"a-one": source(slug="a-one"), "b-two": source(slug="b-two")})
    assert loader.list() == ["a-one", "b-two"]
    assert loader.load("a-one").name == "a-one"
    assert loader.find_by_request(Request(BASE + "x.html")) == ["a-one", "b-two"]
    with pytest.raises(KeyError, match="Spider not found"):
        loader.load("nope")


def test_recheck_is_a_conditional_get() -> None:
    from db.history import RecheckTarget

    spider = make_spider(source())
    target = RecheckTarget(BASE + "a.html", etag='"abc"', last_modified="Wed, 10 May 2023 GMT")
    request = spider.recheck_request(target)
    assert request.headers["If-None-Match"] == b'"abc"'
    assert request.headers["If-Modified-Since"] == b"Wed, 10 May 2023 GMT"
    assert request.meta["recheck"] is True and 304 in request.meta["handle_httpstatus_list"]


def test_not_modified_answer_is_seen_again_not_an_error() -> None:
    url = BASE + "a.html"
    response = HtmlResponse(url, status=304, body=b"", request=Request(url))
    [item] = list(make_spider(source()).parse_article(response))
    assert (item.error, item.http_status, item.is_content) == (None, 304, False)
