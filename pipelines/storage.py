"""Turn a finished pipeline item into the record the db layer stores."""

from __future__ import annotations

from crawler.items import CaptureItem
from db.store import CaptureRecord


def to_record(item: CaptureItem) -> CaptureRecord:
    """Return the storable record of an item (extraction and detection only when both ran)."""
    complete = item.error is None and item.extracted is not None and item.detection is not None
    return CaptureRecord(
        source=item.source, url=item.url, final_url=item.final_url,
        fetched_at=item.fetched_at, kind=item.kind, http_status=item.http_status,
        headers=item.headers, content_type=item.content_type, body=item.body,
        error=item.error, extracted=item.extracted if complete else None,
        detection=item.detection if complete else None,
    )
