"""Generic listing-page spider: follow paginated listings, capture every linked article."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.guards import (
    FETCHED_SCHEMES,
    Refused,
    refresh_request,
    source_sites,
    unread_answer,
    within_sites,
)
from crawler.items import CaptureItem
from crawler.sources import LinkRule, SourceConfig
from crawler.strategies import register

if TYPE_CHECKING:
    from db.history import RecheckTarget


def _headers_dict(response: Response) -> dict[str, list[str]]:
    """Return response headers as {name: [values]} decoded leniently."""
    return {
        key.decode("latin-1"): [v.decode("latin-1") for v in values]
        for key, values in response.headers.items()
    }


_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


def request_facts(request: Request) -> dict[str, Any]:
    """Return the method, headers (credentials dropped), user agent and proxy of a request."""
    headers = {
        key.decode("latin-1"): [v.decode("latin-1") for v in values]
        for key, values in request.headers.items()
        if key.decode("latin-1").lower() not in _SECRET_HEADERS
    }
    agent = request.headers.get(b"User-Agent")
    return {
        "method": request.method, "request_headers": headers,
        "user_agent": agent.decode("latin-1") if agent else None,
        "proxy": redact_proxy(request.meta.get("proxy")),
    }


def redact_proxy(proxy: str | None) -> str | None:
    """Return a proxy URL without its user name and password."""
    if not proxy:
        return None
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@lru_cache(maxsize=1)
def crawler_id() -> str:
    """Return the name and versions of this crawler, e.g. evidence-pipeline/0.1.0 scrapy/2.19.0."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("evidence-pipeline")
    except PackageNotFoundError:
        ours = "unknown"
    return f"evidence-pipeline/{ours} scrapy/{scrapy.__version__}"


def failure_reason(failure: Failure) -> str:
    """Turn a download failure into a short stable error string."""
    if isinstance(failure.value, Refused):
        return failure.value.reason
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


ERROR_STATUSES = list(range(400, 600))


def _http_url(response: TextResponse, href: str) -> str | None:
    """The absolute http(s) URL of an href, or None (another scheme, or no valid URL)."""
    try:
        url = response.urljoin(href.strip())
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # e.g. "http://[::1": an invalid IPv6 host
        return None
    return url if scheme in FETCHED_SCHEMES else None


@register("listing")
class ListingSpider(scrapy.Spider):
    """Crawl a source whose articles are linked from paginated listing pages."""

    source: ClassVar[SourceConfig]
    rechecks_stored_pages: ClassVar[bool] = True  # crawler.recheck hands it the due pages

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
        if settings.get("EVIDENCE_QUEUE_URL"):
            # a worker of a shared crawl takes no more requests than it fetches at once:
            # the rest stay in the shared queue for the other workers
            settings.set("CONCURRENT_REQUESTS", manners.concurrency, priority="spider")

    async def start(self) -> AsyncIterator[Request]:
        """Request every start (listing) URL (crawler.recheck adds the pages to check again)."""
        for url in self.source.start_urls:
            yield self._request(url, self.parse_listing, page=1)

    def recheck_request(self, target: RecheckTarget) -> Request:
        """A conditional GET: an unchanged page answers 304 and costs no body."""
        request = self._request(target.url, self.parse_article, recheck=True)
        request.meta["handle_httpstatus_list"] = [304, *ERROR_STATUSES]
        if target.etag:
            request.headers["If-None-Match"] = target.etag
        if target.last_modified:
            request.headers["If-Modified-Since"] = target.last_modified
        return request

    def _request(self, url: str, callback: Any, **meta: Any) -> Request:
        # 4xx/5xx reach the callbacks to be recorded; redirects are still followed
        meta.update(handle_httpstatus_list=ERROR_STATUSES)
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
        """Record a request that produced no page (timeout, size limit, refusal, a 3xx not
        followed ...); deliberate skips leave no row."""
        from crawler.distributed.signals import errback_output

        request: Request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):  # an answer no callback takes: a 3xx not followed ...
            response: Response = failure.value.response
            item = self._capture(response, self._kind(request), unread_answer(response))
            errback_output(self.crawler, request, item)
            yield item
            return
        if failure.check(IgnoreRequest):  # deliberate: robots.txt, stored already (no row)
            self.crawler.stats.inc_value("evidence/ignored_requests")
            errback_output(self.crawler, request)
            return
        # after redirects, the address asked for (as _capture has it) and the hop that failed
        asked = (request.meta.get("redirect_urls") or [request.url])[0]
        item = self._item(asked, request.url, kind=self._kind(request),
                          error=failure_reason(failure), **request_facts(request))
        errback_output(self.crawler, request, item)
        yield item

    def _kind(self, request: Request) -> str:
        """'listing' for a request of a listing callback, else 'article'."""
        listings = {"parse_listing", *getattr(self, "listing_callbacks", ())}
        return "listing" if getattr(request.callback, "__name__", "") in listings else "article"

    def follow_refresh(self, response: Response, target: str) -> Iterator[Request | CaptureItem]:
        """Follow a page's meta refresh within the source's sites; record one that leaves them
        (the page itself is already captured: crawler.guards.RefreshMiddleware)."""
        if within_sites(target, source_sites(self.source)):
            yield refresh_request(response, target)
            return
        self.crawler.stats.inc_value("evidence/refresh_offsite")
        assert response.request is not None
        yield self._item(response.url, target, kind=self._kind(response.request),
                         error=f"refresh_offsite: the page refreshes to {target}, outside the "
                               "source's sites: not followed", **request_facts(response.request))

    def _links(self, response: TextResponse, rule: LinkRule) -> list[str]:
        """Return absolute, de-duplicated http(s) hrefs selected by a link rule, in page order.

        javascript:, mailto:, tel:, data: and unparseable hrefs are skipped (counted): one of
        them must not end the listing, nor a data: URL be stored as a page of the source.
        """
        anchors = response.css(rule.css) if rule.css else response.css("a")
        hrefs = anchors.css("::attr(href)").getall() or anchors.xpath("@href").getall()
        seen: dict[str, None] = {}
        for href in hrefs:
            url = _http_url(response, href)
            if url is None:
                self.crawler.stats.inc_value("evidence/links_not_http")
                continue
            if rule.pattern and not re.search(rule.pattern, url):
                continue
            seen.setdefault(url, None)
        return list(seen)

    def _capture(self, response: Response, kind: str, error: str | None = None) -> CaptureItem:
        # 304 answers a re-check's conditional GET: seen again, unchanged, not an error
        ok = 200 <= response.status < 300 or response.status == 304
        error = error or (None if ok else f"http_{response.status}")
        content_type = response.headers.get(b"Content-Type")
        redirects = response.meta.get("redirect_urls") or [response.url]
        return self._item(
            redirects[0], response.url,
            kind=kind, error=error, http_status=response.status,
            headers=_headers_dict(response), body=response.body,
            content_type=content_type.decode("latin-1") if content_type else None,
            protocol=response.protocol,
            **(request_facts(response.request) if response.request is not None else {}),
        )

    def _item(self, url: str, final_url: str, **fields: Any) -> CaptureItem:
        return CaptureItem(
            source=self.source.slug, url=url, final_url=final_url,
            fetched_at=datetime.now(UTC), publisher=self.source.publisher,
            source_language=self.source.language, encoding_override=self.source.encoding,
            region=self.source.region, lexicon_overlay=self.source.lexicon_overlay,
            selectors=self.source.selector_map(), crawler=crawler_id(), **fields,
        )

