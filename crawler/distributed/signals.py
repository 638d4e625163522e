"""Signals that tell a worker's scheduler how far a leased request has got."""

from __future__ import annotations

from typing import Any

from crawler.distributed import TICKET

item_entered = object()  # kwargs: ticket — an item of this lease entered the pipelines
output_done = object()  # kwargs: ticket — the callback or errback of this lease returned


def errback_output(crawler: Any, request: Any, item: Any = None) -> None:
    """Report what an errback produced (errback output bypasses spider middlewares)."""
    ticket = request.meta.get(TICKET)
    if ticket is None:
        return
    if item is not None:
        item.queue_ticket = ticket
        crawler.signals.send_catch_log(signal=item_entered, ticket=ticket)
    crawler.signals.send_catch_log(signal=output_done, ticket=ticket)
