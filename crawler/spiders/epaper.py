"""E-paper spider: walk a newspaper's digital edition by date, issue -> pages (版面) -> articles.

A newspaper is cited by edition date and page ("新疆日报 2023年5月10日 第5版"), so every article
carries both in ``listing_meta`` (``edition``, ``page``). Issue and page captures are listings;
an issue that does not exist (no paper that day, or not online) is recorded as such.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from typing import Any

from scrapy.http import Request, Response, TextResponse

from crawler.items import CaptureItem
from crawler.sources import Edition
from crawler.spiders.api import ApiSpider, SourceBlock
from crawler.strategies import register


def issue_dates(edition: Edition, today: date) -> list[date]:
    """Return the issue dates to fetch, newest first, at most ``max_issues``.

    >>> issue_dates(Edition(issue_url="https://x.cn/%Y%m%d/1.html", pages={"pattern": "x"},
    ...                     since=date(2024, 6, 1), max_issues=3), date(2024, 6, 30))
    [datetime.date(2024, 6, 30), datetime.date(2024, 6, 29), datetime.date(2024, 6, 28)]
    """
    newest = min(edition.until or today, today)
    count = min(edition.max_issues, max((newest - edition.since).days + 1, 0))
    return [newest - timedelta(days=n) for n in range(count)]


def folder(url: str) -> str:
    """Return a URL without its last path segment: the folder an issue's pages share."""
    return url.split("?", 1)[0].rsplit("/", 1)[0]


@register("epaper")
class EpaperSpider(ApiSpider):
    """Fetch each issue's first page, the issue's other pages, and the articles they link."""

    rechecks_stored_pages = True
    edition = SourceBlock[Edition]("edition")

    async def start(self) -> AsyncIterator[Request]:
        """Request the first page of every issue in the window."""
        for day in issue_dates(self.edition, self.today()):
            url = day.strftime(self.edition.issue_url)
            yield self._request(url, self.parse_listing, page=1, edition=day.isoformat())

    def parse_listing(self, response: Response) -> Iterator[Request | CaptureItem]:
        """Capture a page; follow its articles and, on an issue's first page, the other pages."""
        item = self._capture(response, kind="listing")
        item.listing_meta = self._where(response)
        yield item
        if item.error or not isinstance(response, TextResponse):
            return
        articles = self._links(response, self.source.links.article)
        if not articles:
            self.logger.error("no article links on page %s: selectors may be stale", response.url)
            self.crawler.stats.inc_value("evidence/listing_without_links")
        for url in articles:
            yield self._request(url, self.parse_article, listing_meta=self._where(response))
        if response.meta.get("page") == 1:
            yield from self._other_pages(response)

    def _other_pages(self, response: TextResponse) -> Iterator[Request]:
        """Request the issue's other pages, each with its name from the page list."""
        names = self._page_names(response)
        for url in self._links(response, self.edition.pages):
            if folder(url) == folder(response.url) and url != response.url:
                yield self._request(url, self.parse_listing, page=2,
                                    edition=response.meta.get("edition"), page_name=names.get(url))

    def _page_names(self, response: TextResponse) -> dict[str, str]:
        """Return each page link's text ("第05版：经济"), by absolute URL."""
        names: dict[str, str] = {}
        for anchor in response.css("a[href]"):
            text = " ".join(" ".join(anchor.css("::text").getall()).split())
            href = anchor.attrib.get("href", "").strip()
            if text and href:
                names.setdefault(response.urljoin(href), text)
        return names

    def _where(self, response: Response) -> dict[str, str]:
        """Return the edition date and page name of a page, as known when it was requested."""
        where: dict[str, Any] = {"edition": response.meta.get("edition"),
                                 "page": response.meta.get("page_name")}
        if where["page"] is None and response.meta.get("page") == 1:
            names = self._page_names(response) if isinstance(response, TextResponse) else {}
            where["page"] = names.get(response.url)
        return {key: str(value) for key, value in where.items() if value}
