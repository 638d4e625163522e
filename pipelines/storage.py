"""Turn a finished pipeline item into the record the db layer stores."""

from __future__ import annotations

from functools import lru_cache

from crawler.items import CaptureItem
from db.store import CaptureRecord
from pipelines.text.removal import removal_signal


@lru_cache(maxsize=1)
def segmenter_id() -> str:
    """Return the segmenter's name and version, e.g. ``jieba-0.42.1``."""
    import jieba

    return f"jieba-{jieba.__version__}"


def page_text(item: CaptureItem) -> tuple[str | None, str | None]:
    """Return (title, text) of the page: the extracted ones, else the visible HTML text."""
    if item.extracted is not None:
        return item.extracted.title, item.extracted.text
    if not item.body or not (item.content_type or "").lower().startswith(("text/html", "text/")):
        return None, None
    from pipelines.text.encoding import charset_from_content_type, decode_body
    from pipelines.text.extract import parse_html, visible_text

    decoded = decode_body(item.body, charset_from_content_type(item.content_type),
                          item.encoding_override)
    soup = parse_html(decoded.text)
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    return title, visible_text(soup)


def removal_of(item: CaptureItem) -> str | None:
    """Return why this article fetch shows its page is gone, or None (listings never are)."""
    if item.kind != "article" or item.http_status is None:
        return None
    status = item.http_status
    title, text = page_text(item) if 200 <= status < 300 else (None, None)
    return removal_signal(status, item.url, item.final_url, title, text)


def to_record(item: CaptureItem) -> CaptureRecord:
    """Return the storable record of an item (extraction and detection only when both ran)."""
    gone = removal_of(item)
    complete = (gone is None and item.error is None and item.extracted is not None
                and item.detection is not None)
    return CaptureRecord(
        source=item.source, url=item.url, final_url=item.final_url,
        fetched_at=item.fetched_at, kind=item.kind, http_status=item.http_status,
        headers=item.headers, content_type=item.content_type, body=item.body,
        error=item.error or gone, extracted=item.extracted if complete else None,
        detection=item.detection if complete else None, gone=gone, method=item.method,
        request_headers=item.request_headers, protocol=item.protocol, crawler=item.crawler,
        user_agent=item.user_agent, proxy=item.proxy,
        segmenter=segmenter_id() if item.segmentation is not None else None,
        archive_url=item.archive_url, archive_timestamp=item.archive_timestamp,
        listing_meta=item.listing_meta,
    )
