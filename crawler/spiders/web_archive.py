"""Web-archive spider: Wayback Machine captures of deleted pages, cited by original and archive URL.

Many pages researchers cited have since been deleted. The CDX API lists the captures of a URL
prefix (``matchType=prefix``) or of single URLs within a date range:

    /cdx/search/cdx?url=www.example.gov.cn/tzgg/&matchType=prefix&from=20170101&to=20211231
        &output=json&filter=statuscode:200&collapse=digest&limit=500&showResumeKey=true

It answers a JSON table whose first row names the fields; with ``showResumeKey`` an empty row and
a one-cell row carrying the resume key follow when there is more. Each capture is fetched raw
(``<timestamp>id_/<original>``: the archived bytes without the archive's toolbar). The item keeps
the original URL as ``url`` (the document) and the archive URL and timestamp beside it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Request, Response

from crawler.items import CaptureItem
from crawler.sources import Archive
from crawler.spiders.api import ApiSpider, SourceBlock
from crawler.strategies import register

FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


def archive_targets(archive: Archive, source_path: str) -> list[tuple[str, str]]:
    """Return (url, matchType) pairs: prefixes, listed URLs and the URLs file's lines."""
    targets = [(prefix, "prefix") for prefix in archive.prefixes]
    urls = list(archive.urls)
    if archive.urls_file:
        listed = Path(source_path).parent / archive.urls_file
        lines = listed.read_text(encoding="utf-8").splitlines()
        urls += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return targets + [(url, "exact") for url in dict.fromkeys(urls)]


def cdx_url(archive: Archive, target: str, match: str, until: str, resume: str | None) -> str:
    """Return one CDX query URL (successful captures only, identical copies collapsed)."""
    mimes = "|".join(re.escape(m) for m in archive.mimetypes)
    query: list[tuple[str, Any]] = [
        ("url", target), ("matchType", match), ("from", archive.since.strftime("%Y%m%d")),
        ("to", until), ("output", "json"), ("fl", ",".join(FIELDS)),
        ("filter", "statuscode:200"), ("filter", f"mimetype:({mimes})"),
        ("collapse", "digest"), ("limit", archive.page_size), ("showResumeKey", "true"),
    ]
    if resume:
        query.append(("resumeKey", resume))
    return f"{archive.cdx}?{urlencode(query)}"


def cdx_rows(table: Any) -> tuple[list[dict[str, str]], str | None]:
    """Split a CDX JSON table into capture rows and the resume key (None when complete)."""
    if not isinstance(table, list) or not table or not isinstance(table[0], list):
        return [], None
    header, rows, resume = [str(h) for h in table[0]], [], None
    for index, row in enumerate(table[1:], start=1):
        if row == [] and index + 1 < len(table) and len(table[index + 1]) == 1:
            resume = str(table[index + 1][0])
            break
        if isinstance(row, list) and len(row) == len(header):
            rows.append(dict(zip(header, (str(v) for v in row), strict=True)))
    return rows, resume


@register("web_archive")
class WebArchiveSpider(ApiSpider):
    """Crawl the archived copies of deleted pages from the Wayback Machine."""

    listing_callbacks = ("parse_cdx",)
    archive = SourceBlock[Archive]("archive")

    def _until(self) -> str:
        return (self.archive.until or self.today()).strftime("%Y%m%d")

    async def start(self) -> AsyncIterator[Request]:
        """Ask the CDX API for the captures of every prefix and URL."""
        for target, match in archive_targets(self.archive, self.source.path):
            url = cdx_url(self.archive, target, match, self._until(), None)
            yield self.api_request(url, self.parse_cdx, target=target, match=match)

    def parse_cdx(self, response: Response) -> Iterator[Request | CaptureItem]:
        """Capture a CDX answer, fetch each listed capture raw, then resume if there is more."""
        item = self._capture(response, kind="listing")
        yield item
        data = None if item.error or not response.body.strip() else self.answer(response)
        rows, resume = cdx_rows(data)
        pattern = self.source.links.article.pattern
        for row in rows:
            if pattern and not re.search(pattern, row.get("original", "")):
                continue
            replay = self.archive.replay.format(timestamp=row["timestamp"],
                                                original=row["original"])
            yield self._request(replay, self.parse_capture, original=row["original"],
                                timestamp=row["timestamp"])
        if resume:
            meta = response.meta
            url = cdx_url(self.archive, meta["target"], meta["match"], self._until(), resume)
            yield self.api_request(url, self.parse_cdx, target=meta["target"],
                                   match=meta["match"])

    def parse_capture(self, response: Response) -> Iterator[CaptureItem]:
        """Capture an archived copy: the document is the original URL, fetched from the archive."""
        for item in self.parse_article(response):
            item.archive_url = item.final_url
            # the archive may redirect to the nearest capture: cite the one actually served
            served = re.search(r"/web/(\d{14})", item.final_url)
            item.archive_timestamp = served[1] if served else response.meta["timestamp"]
            item.url = response.meta["original"]
            yield item

    def on_error(self, failure: Any) -> Iterator[CaptureItem]:
        """Record a failed fetch; a failed archived copy still names its original URL."""
        meta = getattr(failure.request, "meta", {})
        for item in super().on_error(failure):
            if meta.get("original"):
                item.archive_url, item.url = item.url, meta["original"]
                item.archive_timestamp = meta.get("timestamp")
            yield item
