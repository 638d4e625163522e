"""Spider middleware of a distributed crawl: tie each item to the lease it came from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from crawler.distributed import TICKET
from crawler.distributed import signals as lease_signals
from crawler.items import CaptureItem


class LeaseMiddleware:
    """Tag a response's items with its lease and report when its callback has returned.

    Requests a callback builds from ``response.meta`` would inherit the lease: it is
    removed from them, since only the scheduler hands out leases.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> LeaseMiddleware:
        """Enable only when a shared queue is configured."""
        if not crawler.settings.get("EVIDENCE_QUEUE_URL"):
            raise NotConfigured
        return cls(crawler)

    async def process_spider_output(self, response: Response,
                                    result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass the output on, tagging items; announce its end even when the callback fails."""
        ticket = response.meta.get(TICKET)
        send = self.crawler.signals.send_catch_log
        try:
            async for element in result:
                if isinstance(element, Request):
                    element.meta.pop(TICKET, None)
                elif ticket and isinstance(element, CaptureItem) and not element.queue_ticket:
                    element.queue_ticket = ticket
                    send(signal=lease_signals.item_entered, ticket=ticket)
                yield element
        finally:
            if ticket:
                send(signal=lease_signals.output_done, ticket=ticket)
