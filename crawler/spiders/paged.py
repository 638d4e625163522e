"""Paged-listing spider: CMS listings addressed by page number (index_N.html), plus attachments."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scrapy.http import Request, Response, TextResponse

from crawler.items import CaptureItem
from crawler.sources import Pagination
from crawler.spiders.listing import ListingSpider
from crawler.strategies import register


def page_urls(start_url: str, rule: Pagination, pages: int) -> list[str]:
    """Return the URLs of listing pages 2..``pages`` of a channel, built from the template.

    >>> page_urls("http://x.gov.cn/tzgg/index.html", Pagination(template="index_{n}.html"), 3)
    ['http://x.gov.cn/tzgg/index_1.html', 'http://x.gov.cn/tzgg/index_2.html']
    """
    # query pagination (list.php?catid=25 -> &page=2) extends the URL; file pagination replaces
    # the last path segment (index.html -> index_1.html)
    base = start_url if rule.template.startswith("&") else start_url.rsplit("/", 1)[0] + "/"
    return [base + rule.template.format(n=rule.first + i) for i in range(pages - 1)]


def page_count(text: str, rule: Pagination) -> int | None:
    """Return the number of listing pages the pager script or text declares, if it does."""
    if not rule.count_pattern:
        return None
    found = re.search(rule.count_pattern, text)
    return int(found.group(1)) if found else None


@register("paged_listing")
class PagedListingSpider(ListingSpider):
    """Crawl CMS channels whose listing pages are numbered, and the files articles attach."""

    def parse_listing(self, response: Response) -> Iterator[Request | CaptureItem]:
        """Capture a listing; on the first page also request the other numbered pages."""
        page = int(response.meta.get("page", 1))
        yield from super().parse_listing(response)
        rule = self.source.links.pagination
        if page != 1 or rule is None or not isinstance(response, TextResponse):
            return
        # no count_pattern: the site states no count, ask up to max_pages (misses are 404s)
        declared = page_count(response.text, rule) if rule.count_pattern else None
        if rule.count_pattern and declared is None:
            self.logger.warning("no page count on %s: pager pattern may be stale", response.url)
            self.crawler.stats.inc_value("evidence/pager_without_count")
        wanted = declared if rule.count_pattern else self.source.links.max_pages
        pages = min(wanted or 1, self.source.links.max_pages)
        for number, url in enumerate(page_urls(response.url, rule, pages), start=2):
            yield self._request(url, self.parse_listing, page=number)

    # returns requests too (attachments): wider than ListingSpider.parse_article's items
    def parse_article(  # type: ignore[override]
        self, response: Response
    ) -> Iterator[CaptureItem | Request]:
        """Capture an article, then the attachments (PDF, DOC, ...) it links to."""
        yield from super().parse_article(response)
        rule = self.source.links.attachment
        if rule is None or not isinstance(response, TextResponse) or response.status >= 400:
            return
        for url in self._links(response, rule):
            yield self._request(url, self.parse_attachment)

    def parse_attachment(self, response: Response) -> Iterator[CaptureItem]:
        """Capture an attachment as fetched (it is a document of its own)."""
        yield from super().parse_article(response)
