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
    body: bytes | None = None
    error: str | None = None
    publisher: str | None = None
    source_language: str | None = None
    encoding_override: str | None = None
    selectors: dict[str, str] = field(default_factory=dict)
    # filled by the pipeline stages, in ITEM_PIPELINES order
    extracted: Extracted | None = None
    language: str | None = None
    prepared: Any = None  # pipelines.text.detect.Prepared
    segmentation: Any = None  # pipelines.text.segment.Segmentation
    detection: Detection | None = None

    @property
    def is_content(self) -> bool:
        """True when this is a successfully fetched article with a body to process."""
        return self.kind == "article" and self.error is None and bool(self.body)
