"""The strategy registry, and the re-checks the crawl's setup hands a spider (no network)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from crawler import recheck
from crawler.recheck import RecheckMiddleware, pages_to_recheck, recheck_due
from crawler.sources import STRATEGIES, SourceConfig
from crawler.spider_loader import spider_for, strategies
from crawler.strategies import register
from db.history import RecheckTarget

BASE = "http://127.0.0.1:9/news/"


def source(**overrides: Any) -> SourceConfig:
    data: dict[str, Any] = {
        "slug": "test-news", "publisher": "示例新闻网", "kind": "state_media", "language": "zh",
        "start_urls": [BASE + "index.html"], "links": {"article": {"css": "ul.list a"}},
    }
    data.update(overrides)
    return SourceConfig.model_validate(data)


def test_every_strategy_of_the_source_model_is_registered() -> None:
    found = strategies()
    assert sorted(found) == sorted(STRATEGIES)
    assert all(spider.name == name for name, spider in found.items())


def test_a_source_spider_subclasses_its_strategy() -> None:
    paged = source(slug="a-paged", strategy="paged_listing",
                   links={"article": {"css": "a"}, "pagination": {"template": "index_{n}.html"}})
    cls = spider_for(paged)
    assert issubclass(cls, strategies()["paged_listing"])
    assert (cls.__name__, cls.name) == ("APagedSpider", "a-paged")


def test_a_strategy_name_is_taken_once() -> None:
    with pytest.raises(ValueError, match="strategy 'listing' is already ListingSpider"):
        register("listing")(type("OtherSpider", (Spider,), {}))


def test_no_database_means_nothing_to_recheck(tmp_path: Path) -> None:
    due = datetime.now(UTC)
    assert pages_to_recheck(str(tmp_path / "none.db"), "test-news", due) == []


def test_a_file_that_is_no_evidence_database_means_nothing_to_recheck(tmp_path: Path) -> None:
    garbage, foreign = tmp_path / "garbage.db", tmp_path / "foreign.db"
    garbage.write_bytes(b"not a database" * 100)
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    due = datetime.now(UTC)
    assert pages_to_recheck(str(garbage), "test-news", due) == []
    assert pages_to_recheck(str(foreign), "test-news", due) == []
    assert garbage.read_bytes() == b"not a database" * 100  # nothing written to either


def test_recheck_cadence_is_the_setting_else_the_sources() -> None:
    now = datetime.now(UTC)
    assert abs(recheck_due(0, 7) - now) < timedelta(seconds=5)
    assert abs(recheck_due(-1, 7) - (now - timedelta(days=7))) < timedelta(seconds=5)


def _started(src: SourceConfig, monkeypatch: pytest.MonkeyPatch,
             days: float = -1) -> tuple[list[Request], list[Any]]:
    """The start requests the middleware passes on, and what it asked the database."""
    asked: list[Any] = []

    def due_pages(db: str | None, slug: str, due: datetime) -> list[RecheckTarget]:
        asked.append((db, slug, due))
        return [RecheckTarget(BASE + "old.html", etag='"e1"')]

    monkeypatch.setattr(recheck, "pages_to_recheck", due_pages)
    crawler = get_crawler(spider_for(src), {"EVIDENCE_DB": "x.db", "EVIDENCE_RECHECK_DAYS": days,
                                            "EVIDENCE_TODAY": "2024-06-30"})
    crawler.spider = crawler.spidercls.from_crawler(crawler)
    middleware = RecheckMiddleware.from_crawler(crawler)

    async def collect() -> list[Request]:
        start: AsyncIterator[Any] = crawler.spider.start()
        return [request async for request in middleware.process_start(start)]

    return asyncio.run(collect()), asked


def test_due_pages_follow_the_start_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    requests, asked = _started(source(recheck_days=3), monkeypatch)
    assert [r.url for r in requests] == [BASE + "index.html", BASE + "old.html"]
    assert requests[1].meta["recheck"] is True
    assert requests[1].headers["If-None-Match"] == b'"e1"'
    [(db, slug, due)] = asked
    assert (db, slug) == ("x.db", "test-news")
    assert abs(due - (datetime.now(UTC) - timedelta(days=3))) < timedelta(seconds=5)


def test_api_strategies_recheck_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    archive = source(strategy="web_archive",
                     archive={"prefixes": ["www.example.gov.cn/tzgg/"], "since": "2020-01-01"})
    requests, asked = _started(archive, monkeypatch)
    assert asked == [] and not any(r.meta.get("recheck") for r in requests)


def test_epaper_rechecks_after_its_issues(monkeypatch: pytest.MonkeyPatch) -> None:
    paper = source(strategy="epaper", edition={
        "issue_url": "https://x.cn/%Y%m%d/1.html", "pages": {"pattern": "x"},
        "since": "2024-06-29"})
    requests, asked = _started(paper, monkeypatch, days=0)
    assert [r.url for r in requests] == ["https://x.cn/20240630/1.html",
                                         "https://x.cn/20240629/1.html", BASE + "old.html"]
    assert len(asked) == 1
