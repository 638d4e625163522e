"""Generic listing-page spider: follow paginated listings, capture every linked article."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler.items import CaptureItem
from crawler.sources import LinkRule, SourceConfig


def _headers_dict(response: Response) -> dict[str, list[str]]:
    """Return response headers as {name: [values]} decoded leniently."""
    return {
        key.decode("latin-1"): [v.decode("latin-1") for v in values]
        for key, values in response.headers.items()
    }


def failure_reason(failure: Failure) -> str:
    """Turn a download failure into a short stable error string."""
    name = type(failure.value).__name__
    message = str(failure.value)
    if "Timeout" in name or "timed out" in message.lower():
        return "timeout: no answer within the download timeout"
    if "Cancelled" in name or "maxsize" in message.lower() or "larger than" in message:
        return "too_large: response exceeded the download size limit"
    if "ConnectionRefused" in name:
        return "connection_refused: " + message[:200]
    if "DNS" in name or "CannotResolveHost" in name:
        return "dns: " + message[:200]
    return f"download_failed: {name}: {message[:200]}"


_ERROR_STATUSES = list(range(400, 600))


class ListingSpider(scrapy.Spider):
    """Crawl a source whose articles are linked from paginated listing pages."""

    name = "listing"
    source: ClassVar[SourceConfig]

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Apply the source's politeness block as this crawler's settings."""
        super().update_settings(settings)
        manners = cls.source.politeness
        settings.set("DOWNLOAD_DELAY", manners.download_delay, priority="spider")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", manners.concurrency, priority="spider")
        settings.set("DOWNLOAD_TIMEOUT", manners.download_timeout, priority="spider")
        settings.set("DOWNLOAD_MAXSIZE", manners.download_maxsize, priority="spider")
        settings.set("EVIDENCE_SOURCE_PROXY", manners.proxy, priority="spider")
        settings.set("AUTOTHROTTLE_START_DELAY", manners.download_delay, priority="spider")
        settings.set("AUTOTHROTTLE_TARGET_CONCURRENCY", manners.concurrency, priority="spider")

    async def start(self) -> AsyncIterator[Request]:
        """Request every start (listing) URL."""
        for url in self.source.start_urls:
            yield self._request(url, self.parse_listing, page=1)

    def _request(self, url: str, callback: Any, **meta: Any) -> Request:
        # 4xx/5xx reach the callbacks to be recorded; redirects are still followed
        meta.update(handle_httpstatus_list=_ERROR_STATUSES)
        if self.source.encoding:
            meta["encoding_override"] = self.source.encoding
        return Request(url, callback=callback, errback=self.on_error, meta=meta)

    def parse_listing(self, response: Response) -> Iterator[Request | CaptureItem]:
        """Capture a listing page, then follow its article links and next page."""
        item = self._capture(response, kind="listing")
        yield item
        if item.error or not isinstance(response, TextResponse):
            return
        articles = self._links(response, self.source.links.article)
        if not articles:
            self.logger.error("no article links on listing %s: selectors may be stale",
                              response.url)
            self.crawler.stats.inc_value("evidence/listing_without_links")
        for url in articles:
            yield self._request(url, self.parse_article)
        page = int(response.meta.get("page", 1))
        rule = self.source.links.next_page
        if rule and page < self.source.links.max_pages:
            for url in self._links(response, rule)[:1]:
                yield self._request(url, self.parse_listing, page=page + 1)

    def parse_article(self, response: Response) -> Iterator[CaptureItem]:
        """Capture an article (HTML or PDF) as fetched."""
        yield self._capture(response, kind="article")

    def on_error(self, failure: Failure) -> Iterator[CaptureItem]:
        """Record a request that produced no response (timeout, size limit, ...)."""
        request: Request = failure.request  # type: ignore[attr-defined]
        if failure.check(IgnoreRequest):
            self.crawler.stats.inc_value("evidence/ignored_requests")
            return
        kind = "listing" if request.callback == self.parse_listing else "article"
        yield self._item(request.url, request.url, kind=kind, error=failure_reason(failure))

    def _links(self, response: TextResponse, rule: LinkRule) -> list[str]:
        """Return absolute, de-duplicated hrefs selected by a link rule, in page order."""
        anchors = response.css(rule.css) if rule.css else response.css("a")
        hrefs = anchors.css("::attr(href)").getall() or anchors.xpath("@href").getall()
        seen: dict[str, None] = {}
        for href in hrefs:
            url = response.urljoin(href.strip())
            if rule.pattern and not re.search(rule.pattern, url):
                continue
            seen.setdefault(url, None)
        return list(seen)

    def _capture(self, response: Response, kind: str) -> CaptureItem:
        error = None if 200 <= response.status < 300 else f"http_{response.status}"
        content_type = response.headers.get(b"Content-Type")
        redirects = response.meta.get("redirect_urls") or [response.url]
        return self._item(
            redirects[0], response.url,
            kind=kind, error=error, http_status=response.status,
            headers=_headers_dict(response), body=response.body,
            content_type=content_type.decode("latin-1") if content_type else None,
        )

    def _item(self, url: str, final_url: str, **fields: Any) -> CaptureItem:
        return CaptureItem(
            source=self.source.slug, url=url, final_url=final_url,
            fetched_at=datetime.now(UTC), publisher=self.source.publisher,
            source_language=self.source.language, encoding_override=self.source.encoding,
            selectors=self.source.selector_map(), **fields,
        )


def spider_for(source: SourceConfig) -> type[ListingSpider]:
    """Build the spider class of one source (one strategy class per crawl strategy)."""
    strategies: dict[str, type[ListingSpider]] = {"listing": ListingSpider}
    base = strategies[source.strategy]
    class_name = "".join(part.title() for part in source.slug.split("-")) + "Spider"
    return type(class_name, (base,), {"name": source.slug, "source": source})
