"""Shared ground of the spiders that talk to JSON APIs: request building, JSON(P), dates, clock.

The API responses themselves are captured (kind "listing") like listing pages: what a search
engine or exchange answered is part of the record of how a document was found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Generic, TypeVar, cast
from urllib.parse import urlencode

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.items import CaptureItem
from crawler.sources import Windows
from crawler.spiders.listing import ERROR_STATUSES, ListingSpider

BEIJING = timezone(timedelta(hours=8))  # the APIs' epoch-ms windows are Beijing days (no DST)
# jQuery123_456({...}); | callback({...}) | china({...})
_JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(?P<json>.*?)\s*\)\s*;?\s*$", re.S)
_PLACEHOLDER = re.compile(r"^\{(\w+)\}$")


def load_json(text: str, jsonp: bool = False) -> Any:
    """Parse a JSON (or JSONP-wrapped) answer; raise ValueError with a short reason."""
    if jsonp:
        found = _JSONP.match(text)
        if not found:
            raise ValueError("not a JSONP answer")
        text = found["json"]
    return json.loads(text)


def dig(data: Any, path: str) -> Any:
    """Return the value at a dotted path ("content.results", "data.list.0.url"), or None."""
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def parse_when(value: Any, fmt: str) -> date | None:
    """Return the date of an API value: epoch milliseconds or a strptime format, else None."""
    if value is None or value == "":
        return None
    if fmt == "epoch_ms":
        try:
            return datetime.fromtimestamp(int(value) / 1000, BEIJING).date()
        except (TypeError, ValueError, OverflowError, OSError):
            return None
    text = str(value).strip()
    for candidate, layout in ((text, fmt), (text[:10], "%Y-%m-%d")):
        try:
            return datetime.strptime(candidate, layout).date()
        except ValueError:
            continue
    return None


def date_windows(windows: Windows, today: date) -> list[tuple[date, date]]:
    """Split [since, until or today] into consecutive windows of ``months`` months."""
    end = windows.until or today
    spans: list[tuple[date, date]] = []
    start = windows.since
    while start <= end:
        month = start.month - 1 + windows.months
        following = date(start.year + month // 12, month % 12 + 1, 1)
        spans.append((start, min(end, following - timedelta(days=1))))
        start = following
    return spans


def window_values(start: date | None, end: date | None) -> dict[str, Any]:
    """Return the template placeholders of one date window."""
    if start is None or end is None:
        return {"start": "", "end": "", "start_compact": "", "end_compact": "",
                "start_ms": 0, "end_ms": 0}
    first = datetime(start.year, start.month, start.day, tzinfo=BEIJING)
    last = datetime(end.year, end.month, end.day, tzinfo=BEIJING) + timedelta(days=1)
    return {
        "start": start.isoformat(), "end": end.isoformat(),
        "start_compact": start.strftime("%Y%m%d"), "end_compact": end.strftime("%Y%m%d"),
        "start_ms": int(first.timestamp() * 1000), "end_ms": int(last.timestamp() * 1000) - 1,
    }


def fill(value: Any, values: Mapping[str, Any]) -> Any:
    """Fill one template value; a value that is a single placeholder keeps the value's type."""
    if not isinstance(value, str):
        return value
    whole = _PLACEHOLDER.match(value)
    if whole and whole[1] in values:
        return values[whole[1]]
    return value.format_map(dict(values))


def uses_dates(templates: Mapping[str, Any] | str) -> bool:
    """True when a template (or any template value) asks for a date placeholder."""
    text = templates if isinstance(templates, str) else json.dumps(templates)
    return bool(re.search(r"\{(start|end)(_ms|_compact)?\}", text))


def build_request(url: str, method: str, body: str, params: Mapping[str, Any],
                  values: Mapping[str, Any]) -> tuple[str, bytes | None, dict[str, str]]:
    """Return (url, body, headers) of one API call with every template filled in."""
    filled = {key: fill(value, values) for key, value in params.items()}
    url = fill(url, {k: v for k, v in values.items()})
    if body == "json":
        data = json.dumps(filled, ensure_ascii=False, separators=(",", ":"))
        return url, data.encode("utf-8"), {"Content-Type": "application/json;charset=UTF-8"}
    encoded = urlencode({k: "" if v is None else _text(v) for k, v in filled.items()})
    if body == "form":
        return url, encoded.encode("ascii"), {
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
    joined = url if not encoded else url + ("&" if "?" in url else "?") + encoded
    return joined, None, {}


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


BlockT = TypeVar("BlockT")


class SourceBlock(Generic[BlockT]):
    """A spider attribute: the source's block of the spider's strategy (the source model
    refuses a source of that strategy without it)."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, spider: object, owner: type[ListingSpider]) -> BlockT:
        block = getattr(owner.source, self.field)
        assert block is not None
        return cast(BlockT, block)


class ApiSpider(ListingSpider):
    """Base of the API strategies: API answers are listings, found documents are articles."""

    name = "api"
    rechecks_stored_pages = False
    listing_callbacks: tuple[str, ...] = ()  # names of the callbacks that parse API answers

    def today(self) -> date:
        """Return today's date, or EVIDENCE_TODAY (YYYY-MM-DD) when set (tests, re-runs)."""
        fixed = self.crawler.settings.get("EVIDENCE_TODAY") if hasattr(self, "crawler") else None
        return date.fromisoformat(fixed) if fixed else datetime.now(UTC).date()

    def api_request(self, url: str, callback: Any, *, method: str = "GET",
                    body: bytes | None = None, headers: Mapping[str, str] | None = None,
                    meta: dict[str, Any] | None = None, **more: Any) -> Request:
        """Return an API request whose 4xx/5xx answers still reach ``callback``."""
        meta = {**(meta or {}), **more, "handle_httpstatus_list": ERROR_STATUSES}
        return Request(url, method=method, body=body, headers=dict(headers or {}),
                       callback=callback, errback=self.on_error, meta=meta)

    def parse_article(self, response: Response) -> Iterator[CaptureItem]:
        """Capture a found document with what the API said about it."""
        for item in super().parse_article(response):
            item.listing_meta = dict(response.meta.get("listing_meta") or {})
            yield item

    def on_error(self, failure: Failure) -> Iterator[CaptureItem]:
        """Record a failed request; failed API calls are listings."""
        callback = getattr(getattr(failure, "request", None), "callback", None)
        for item in super().on_error(failure):
            if getattr(callback, "__name__", "") in self.listing_callbacks:
                item.kind = "listing"
            yield item

    def answer(self, response: Response, jsonp: bool = False) -> Any:
        """Return the parsed JSON of an API answer, or None (logged and counted) when broken."""
        try:
            return load_json(response.text, jsonp)
        except (ValueError, AttributeError) as exc:
            self.logger.error("API answer from %s is not JSON: %s", response.url, exc)
            self.crawler.stats.inc_value("evidence/api_not_json")
            return None
