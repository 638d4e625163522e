"""Run one source against its live site with a small page limit and report dead rules.

A site redesign shows up as selectors and patterns that match nothing: the report names each
rule of the source file and on how many fetched pages it matched. Nothing is stored.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler.items import CaptureItem
from crawler.sources import SourceConfig

UNREACHABLE = 3  # exit status when the network (or the site) cannot be reached at all


@dataclass(frozen=True)
class RuleResult:
    """How often one rule of a source file matched on the pages it applies to."""

    rule: str
    value: str
    pages: int
    matched: int
    required: bool = True

    @property
    def dead(self) -> bool:
        """True when the rule was tried and matched nowhere."""
        return self.required and self.pages > 0 and self.matched == 0


def entry_url(source: SourceConfig) -> str:
    """Return the first URL a crawl of this source asks for."""
    if source.api:
        return source.api.url
    if source.filings:
        return ("http://www.cninfo.com.cn/" if source.filings.exchange == "cninfo"
                else "https://www1.hkexnews.hk/")
    if source.archive:
        return source.archive.cdx
    return source.start_urls[0]


def probe(url: str, proxy: str | None = None, timeout: float = 8.0) -> str | None:
    """Return why ``url`` (or the proxy in between) cannot be reached, or None when it can."""
    from crawler.config_file import env_proxies_allowed

    scheme = urlsplit(url).scheme
    if not proxy and env_proxies_allowed():  # as the crawl: the environment's only if opted in
        proxy = os.environ.get(f"{scheme}_proxy") or os.environ.get(f"{scheme.upper()}_PROXY")
    target = urlsplit(proxy or url)
    host = target.hostname or ""
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except socket.gaierror as exc:
        return f"cannot resolve {host} ({exc.strerror or exc})"
    except OSError as exc:
        return f"cannot connect to {host}:{port} ({exc.strerror or exc})"
    return None


class _Collector:
    """Keeps every scraped item (a bound method held strongly, so the signal stays alive)."""

    def __init__(self) -> None:
        self.items: list[CaptureItem] = []

    def add(self, item: Any) -> None:
        """Keep one item."""
        self.items.append(item)


def crawl_sample(slug: str, pages: int) -> tuple[list[CaptureItem], dict[str, Any]]:
    """Crawl one source live, stopping after ``pages`` responses; store nothing."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    # a sample of the live site as it is now: no database, so no incremental skips or re-checks
    nowhere = os.path.join(tempfile.mkdtemp(prefix="evidence-live-"), "none.db")
    for name, value in {"ITEM_PIPELINES": {}, "CLOSESPIDER_PAGECOUNT": pages,
                        "LOG_ENABLED": False, "RETRY_TIMES": 0, "EVIDENCE_INCREMENTAL": False,
                        "EVIDENCE_DB": nowhere}.items():
        settings.set(name, value, priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(slug)
    collector = _Collector()
    crawler.signals.connect(collector.add, signal=signals.item_scraped)
    process.crawl(crawler)
    process.start()
    return collector.items, dict(crawler.stats.get_stats() if crawler.stats else {})


def _text(item: CaptureItem) -> str | None:
    from pipelines.text.encoding import charset_from_content_type, decode_body

    if item.error or not item.body or b"%PDF-" in item.body[:1024]:
        return None
    charset = charset_from_content_type(item.content_type)
    return decode_body(item.body, charset, item.encoding_override).text


def _count(rule: str, value: str | None, texts: list[str], test: Any,
           required: bool = True) -> list[RuleResult]:
    if not value:
        return []
    return [RuleResult(rule, value, len(texts), sum(1 for t in texts if test(t, value)),
                       required)]


def _css(text: str, css: str) -> bool:
    from parsel import Selector

    return bool(Selector(text=text).css(css))


def _hrefs_match(text: str, pattern: str) -> bool:
    from parsel import Selector

    return any(re.search(pattern, h) for h in Selector(text=text).css("a::attr(href)").getall())


def _soup_css(text: str, css: str) -> bool:
    from pipelines.text.extract import parse_html

    return bool(parse_html(text).select(css))


def _results(source: SourceConfig) -> Any:
    from crawler.spiders.api import dig, load_json

    def test(text: str, path: str) -> bool:
        try:
            data = load_json(text, bool(source.api and source.api.jsonp))
        except ValueError:
            return False
        return bool(dig(data, path))
    return test


def rule_results(source: SourceConfig, items: list[CaptureItem]) -> list[RuleResult]:
    """Return how each rule of the source file fared on the fetched pages."""
    listings = [t for i in items if i.kind == "listing" for t in [_text(i)] if t]
    articles = [t for i in items if i.kind == "article" for t in [_text(i)] if t]
    links = source.links
    found: list[RuleResult] = []
    if source.strategy in ("listing", "paged_listing", "epaper"):
        found += _count("links.article.css", links.article.css, listings, _css)
        found += _count("links.article.pattern", links.article.pattern, listings, _hrefs_match)
        found += _count("links.next_page.css", links.next_page.css if links.next_page else None,
                        listings, _css, required=False)
        pager = links.pagination.count_pattern if links.pagination else None
        found += _count("links.pagination.count_pattern", pager, listings,
                        lambda t, p: bool(re.search(p, t)))
    if source.edition:
        found += _count("edition.pages.pattern", source.edition.pages.pattern, listings,
                        _hrefs_match)
    if source.api:
        found += _count("api.results", source.api.results, listings, _results(source))
    for name, css in source.selector_map().items():
        found += _count(f"selectors.{name}", css, articles, _soup_css)
    found += _count("links.attachment.pattern",
                    links.attachment.pattern if links.attachment else None, articles,
                    _hrefs_match, required=False)
    return found
