"""Re-checks: the crawl hands a spider the stored pages with hits that are due for a fetch again.

A page deleted after being cited is usually also dropped from its listing, so only a direct
re-fetch can see the removal. The cadence is the source's ``recheck_days``
(EVIDENCE_RECHECK_DAYS overrides it for every source; 0 re-checks on every crawl). The database
is read here, in the crawl's setup (a spider middleware of crawler/settings.py, so that
`evidence crawl`, `scrapy crawl` and Scrapyd all re-check): spiders never open it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from db.engine import open_database, session_scope
from db.errors import StorageError
from db.history import RecheckTarget, documents_to_recheck


def recheck_due(days_setting: float, source_days: float) -> datetime:
    """Pages last fetched before this moment are due (a negative setting: the source's days)."""
    days = source_days if days_setting < 0 else days_setting
    return datetime.now(UTC) - timedelta(days=days)


def pages_to_recheck(db: str | None, source_slug: str, due: datetime) -> list[RecheckTarget]:
    """Return a source's stored pages with hits last fetched before ``due`` (none: no database)."""
    try:
        engine = open_database(db, create=False)
    except StorageError:
        return []  # no database yet: nothing known to re-check
    try:
        with session_scope(engine) as session:
            return documents_to_recheck(session, source_slug, due)
    finally:
        engine.dispose()


class RecheckMiddleware:
    """Spider middleware: after a spider's start requests, its re-checks of due stored pages.

    Only a spider with ``rechecks_stored_pages`` is handed them, one ``recheck_request`` each.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RecheckMiddleware:
        """Build the middleware of one crawler."""
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass the spider's start requests on, then request its due pages again."""
        async for request in start:
            yield request
        spider = self.crawler.spider
        if not getattr(spider, "rechecks_stored_pages", False):
            return
        settings = self.crawler.settings
        due = recheck_due(settings.getfloat("EVIDENCE_RECHECK_DAYS", -1),
                          spider.source.recheck_days)
        for target in pages_to_recheck(settings.get("EVIDENCE_DB"), spider.source.slug, due):
            yield spider.recheck_request(target)
