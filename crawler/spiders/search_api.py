"""Search-API spider: ask an outlet's own search (or paged JSON feed) for each seed term and window.

Xinhua (so.news.cn/getNews) and People's Daily (search.people.cn) answer keyword searches with
JSON; gov.cn's policy library too. Seed terms are the strongest transfer terms of the lexicon
(``api.terms``), so a search finds what channel listings have long since paged away. A source
without ``api.terms`` is a plain paged feed (CCTV's JSONP channel lists).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from scrapy.http import Request, Response

from crawler.items import CaptureItem
from crawler.sources import Api, TermRule
from crawler.spiders.api import (
    ApiSpider,
    SourceBlock,
    build_request,
    date_windows,
    dig,
    parse_when,
    uses_dates,
    window_values,
)
from crawler.strategies import register

_TAGS = re.compile(r"<[^>]+>")  # search engines wrap matches in <em>/<font>


@dataclass(frozen=True)
class Query:
    """One keyword in one date window (either may be empty)."""

    term: str
    start: date | None
    end: date | None


@dataclass(frozen=True)
class Found:
    """One search result: the document's URL, its date and what the API said about it."""

    url: str
    published: date | None
    meta: dict[str, str]


def seed_terms(rule: TermRule) -> list[str]:
    """Return the lexicon's seed terms for a rule: heaviest first, then the rule's extra terms."""
    from pipelines.text.lexicon import load_lexicon

    chosen = [
        t for t in load_lexicon().terms
        if (not rule.categories or t.category in rule.categories)
        and t.weight >= rule.min_weight and (rule.language is None or t.language == rule.language)
    ]
    chosen.sort(key=lambda t: (-t.weight, t.term))
    terms = [t.term for t in chosen[: rule.limit]]
    return terms + [t for t in rule.extra if t not in terms]


def plan_queries(api: Api, today: date) -> list[Query]:
    """Return every (term, window) query: windows only when the API takes dates."""
    terms = seed_terms(api.terms) if api.terms else [""]
    if api.windows and uses_dates({"url": api.url, **api.params}):
        spans: list[tuple[date | None, date | None]] = list(date_windows(api.windows, today))
    elif api.windows:  # the API cannot filter by date: one window, filtered on our side
        spans = [(api.windows.since, api.windows.until or today)]
    else:
        spans = [(None, None)]
    return [Query(term, start, end) for term in terms for start, end in spans]


def found_in(result: Any, api: Api, base_url: str) -> Found | None:
    """Return the document a result points to, or None when it has no usable URL."""
    from urllib.parse import urljoin

    if not isinstance(result, dict) or not result.get(api.url_field):
        return None
    meta = {
        name: _TAGS.sub("", str(result[key])).strip()
        for name, key in api.fields.items() if result.get(key) not in (None, "")
    }
    published = parse_when(result.get(api.date_field), api.date_format) if api.date_field else None
    if published:
        meta["published"] = published.isoformat()
    return Found(urljoin(base_url, str(result[api.url_field]).strip()), published, meta)


def page_total(data: Any, api: Api) -> int | None:
    """Return how many result pages the answer declares, if it does."""
    if api.total_pages and str(dig(data, api.total_pages) or "").isdigit():
        return int(dig(data, api.total_pages))
    if api.total_items and str(dig(data, api.total_items) or "").isdigit():
        return -(-int(dig(data, api.total_items)) // api.page_size)
    return None


@register("search_api")
class SearchApiSpider(ApiSpider):
    """Crawl what an outlet's search API finds for each seed term and date window."""

    listing_callbacks = ("parse_results",)
    api = SourceBlock[Api]("api")

    async def start(self) -> AsyncIterator[Request]:
        """Request the first result page of every query."""
        for query in plan_queries(self.api, self.today()):
            yield self._search(query, self.api.first_page)

    def _search(self, query: Query, page: int) -> Request:
        values = {"term": query.term, "page": page, **window_values(query.start, query.end)}
        url, body, headers = build_request(
            self.api.url, self.api.method, self.api.body, self.api.params, values)
        return self.api_request(url, self.parse_results, method=self.api.method, body=body,
                                headers={**headers, **self.api.headers}, query=query, page=page)

    def parse_results(self, response: Response) -> Iterator[Request | CaptureItem]:
        """Capture an answer, follow its results in the window, then the next page."""
        item = self._capture(response, kind="listing")
        yield item
        data = None if item.error else self.answer(response, self.api.jsonp)
        results = dig(data, self.api.results) if data is not None else None
        if not isinstance(results, list):
            if data is not None:
                self.logger.error("no result list at %r in %s", self.api.results, response.url)
                self.crawler.stats.inc_value("evidence/api_without_results")
            return
        query: Query = response.meta["query"]
        yield from self._follow(results, query, response.url)
        page = int(response.meta["page"])
        done = page - self.api.first_page + 1
        total = page_total(data, self.api)
        if results and done < self.api.max_pages and (total is None or done < total):
            yield self._search(query, page + 1)

    def _follow(self, results: list[Any], query: Query, base_url: str) -> Iterator[Request]:
        pattern = self.source.links.article.pattern
        for result in results:
            found = found_in(result, self.api, base_url)
            if found is None or (pattern and not re.search(pattern, found.url)):
                continue
            if found.published and query.start and query.end and not (
                    query.start <= found.published <= query.end):
                continue
            if query.term:
                found.meta["search_term"] = query.term
            yield self._request(found.url, self.parse_article, listing_meta=found.meta)
