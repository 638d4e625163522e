"""The item every spider yields: one fetch, filled in stage by stage by the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipelines.text.types import Detection, Extracted


@dataclass
class CaptureItem:
    """One fetched (or failed) URL and what the pipeline stages derive from it."""

    source: str
    url: str
    final_url: str
    fetched_at: datetime
    kind: str = "article"  # article | listing
    http_status: int | None = None
    headers: dict[str, list[str]] = field(default_factory=dict)
    content_type: str | None = None
    body: bytes | None = field(default=None, repr=False)
    error: str | None = None
    publisher: str | None = None
    source_language: str | None = None
    region: str | None = None  # the source's declared Xinjiang region (an anchor)
    lexicon_overlay: str | None = None  # the source's lexicon overlay (e.g. demo companies)
    encoding_override: str | None = None
    selectors: dict[str, str] = field(default_factory=dict)
    # provenance: how it was fetched (request headers as sent, minus credentials)
    method: str = "GET"
    request_headers: dict[str, list[str]] = field(default_factory=dict)
    protocol: str | None = None  # e.g. "HTTP/1.1"
    crawler: str | None = None  # e.g. "evidence-pipeline/0.1.0 scrapy/2.19.0"
    user_agent: str | None = None
    proxy: str | None = None
    # web-archive copies: the archived copy's address and its 14-digit Wayback timestamp
    # (``url`` stays the original address, ``final_url`` the archive address fetched)
    archive_url: str | None = None
    archive_timestamp: str | None = None
    # what a search or filing API said about this document (title, published, doc_number, ...)
    listing_meta: dict[str, str] = field(default_factory=dict)
    # distributed crawls: the lease of the queued request this item came from
    queue_ticket: str | None = None
    # filled by the pipeline stages, in ITEM_PIPELINES order
    extracted: Extracted | None = None
    language: str | None = None
    prepared: Any = field(default=None, repr=False)  # pipelines.text.detect.Prepared
    segmentation: Any = field(default=None, repr=False)  # pipelines.text.segment.Segmentation
    detection: Detection | None = None

    @property
    def is_content(self) -> bool:
        """True when this is a successfully fetched article with a body to process."""
        return self.kind == "article" and self.error is None and bool(self.body)
