"""An injected fault: a listing whose parsing dies half-way, as a bug on a hostile page can."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response


class DieHalfWay:
    """Spider middleware: on /explode/ listings, raise after the first thing the callback gave."""

    async def process_spider_output(self, response: Response,
                                    result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass the first element on, then fail like a callback that raised."""
        count = 0
        async for element in result:
            if count == 1 and "/explode/index" in response.url:
                raise ValueError("injected fault: this listing's parsing stopped early")
            count += 1
            yield element
