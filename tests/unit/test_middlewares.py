"""Downloader middlewares: body charset over a lying header, per-source proxy (and no proxy of
the environment unless opted in), skip stored."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.middlewares import (
    BodyCharsetMiddleware,
    SkipStoredMiddleware,
    SourceOnlyProxyMiddleware,
    SourceProxyMiddleware,
)
from evidence.services.live_check import probe
from tests.ports import free_port

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


@pytest.mark.parametrize("opt_in", [False, True])
def test_environment_proxy_only_when_opted_in(monkeypatch: pytest.MonkeyPatch,
                                              opt_in: bool) -> None:
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:3128")
    monkeypatch.delenv("no_proxy", raising=False)
    crawler = get_crawler(settings_dict={"EVIDENCE_USE_ENV_PROXY": opt_in})
    request = Request("http://www.example.com/")
    SourceOnlyProxyMiddleware.from_crawler(crawler).process_request(request)
    assert request.meta.get("proxy") == ("http://127.0.0.1:3128" if opt_in else None)


@pytest.mark.parametrize("opt_in", [False, True])
def test_live_probe_uses_the_environment_proxy_as_the_crawl_does(
        monkeypatch: pytest.MonkeyPatch, opt_in: bool) -> None:
    """check-source --live probes what the crawl connects to: the site, not $http_proxy
    (a closed port here), unless opted in."""
    closed = free_port()
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{closed}")
    monkeypatch.setenv("EVIDENCE_USE_ENV_PROXY", "1" if opt_in else "0")
    with socket.create_server(("127.0.0.1", 0)) as site:
        reason = probe(f"http://127.0.0.1:{site.getsockname()[1]}/", timeout=2)
    assert reason == (f"cannot connect to 127.0.0.1:{closed} (Connection refused)"
                      if opt_in else None)


def parse_article(response: object) -> None:
    """Stands in for the spider callback the skip middleware looks for."""


def _store_document(db: str, url: str) -> None:
    from datetime import UTC, datetime

    from db.engine import open_database, session_scope
    from db.models import Document
    from db.store import SourceInfo, ensure_source

    engine = open_database(db)
    with session_scope(engine) as session:
        source = ensure_source(session, SourceInfo("demo-gov", "示范", "government", "zh",
                                                   "listing"))
        now = datetime.now(UTC)
        session.add(Document(url=url, source=source, first_seen_at=now, last_seen_at=now,
                             status="live"))
    engine.dispose()


def test_shared_crawl_skips_pages_other_workers_stored_meanwhile(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'e.db'}"
    _store_document(db, "http://127.0.0.1:9/old.html")
    crawler = get_crawler()
    crawler.stats.open_spider()  # type: ignore[union-attr]
    alone = SkipStoredMiddleware(db, "demo-gov", crawler.stats)
    shared = SkipStoredMiddleware(db, "demo-gov", crawler.stats, shared=True)
    for skip in (alone, shared):  # both read the stored URLs now
        with pytest.raises(IgnoreRequest):
            skip.process_request(Request("http://127.0.0.1:9/old.html", callback=parse_article))
    _store_document(db, "http://127.0.0.1:9/new.html")  # by another worker, after that
    fresh = Request("http://127.0.0.1:9/new.html", callback=parse_article)
    assert alone.process_request(fresh) is None  # its snapshot is all it asks
    with pytest.raises(IgnoreRequest):
        shared.process_request(fresh)
    assert shared.process_request(
        Request("http://127.0.0.1:9/unseen.html", callback=parse_article)) is None
    shared.close()
