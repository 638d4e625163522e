"""Scrapy item pipelines: thin adapters around the pure text functions, then storage.

ITEM_PIPELINES (crawler/settings.py) runs them in this order:
extract (100) -> language (200) -> normalise (300) -> segment (400) -> flag (500) -> store (600).
Each stage skips items that failed before it; a stage that fails records the error on the
item instead of dropping it, so the capture is still stored with its reason.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from crawler.items import CaptureItem
from pipelines.text.detect import Detector
from pipelines.text.extract import extract_document
from pipelines.text.language import detect_language
from pipelines.text.types import ExtractionError

logger = logging.getLogger(__name__)
StageMethod = Callable[[Any, CaptureItem], CaptureItem]


@lru_cache(maxsize=1)
def shared_detector() -> Detector:
    """Return the process-wide detector (lexicon automaton and jieba loaded once)."""
    return Detector()


def guarded(stage: str) -> Callable[[StageMethod], StageMethod]:
    """Record an unexpected failure of a stage on the item instead of losing the capture."""

    def wrap(method: StageMethod) -> StageMethod:
        @functools.wraps(method)
        def run(self: Any, item: CaptureItem) -> CaptureItem:
            try:
                return method(self, item)
            except Exception as exc:  # noqa: BLE001 - one odd page must not lose its capture
                logger.exception("%s stage failed on %s", stage, item.url)
                item.error = f"{stage}_failed: {type(exc).__name__}: {str(exc)[:300]}"
                item.extracted = item.detection = None
                return item

        return run

    return wrap


def _header(item: CaptureItem, name: str) -> str | None:
    for key, values in item.headers.items():
        if key.lower() == name.lower() and values:
            return values[0]
    return None


class ExtractStage:
    """Decode the raw body and extract main text and metadata (HTML, PDF, text)."""

    @guarded("extract")
    def process_item(self, item: CaptureItem) -> CaptureItem:
        """Fill ``item.extracted`` or record why extraction failed."""
        if not item.is_content or item.body is None:
            return item
        from pipelines.text.encoding import charset_from_content_type

        try:
            extracted = extract_document(
                item.body, item.content_type, item.final_url,
                header_charset=charset_from_content_type(_header(item, "Content-Type")),
                encoding_override=item.encoding_override, selectors=item.selectors,
            )
        except ExtractionError as exc:
            item.error = f"extract_failed: {exc}"
            return item
        if not extracted.publisher and item.publisher:
            from dataclasses import replace

            extracted = replace(extracted, publisher=item.publisher)
        item.extracted = extracted
        return item


class LanguageStage:
    """Detect the language: CJK-ratio fast path, langdetect (fixed seed) otherwise."""

    @guarded("language")
    def process_item(self, item: CaptureItem) -> CaptureItem:
        """Fill ``item.language``."""
        if item.extracted is not None and item.error is None:
            item.language = detect_language(item.extracted.text)
        return item


class NormaliseStage:
    """Convert Traditional to Simplified for matching; the original text is kept for citing."""

    @guarded("normalise")
    def process_item(self, item: CaptureItem) -> CaptureItem:
        """Fill ``item.prepared`` (original and normalised text, language, script)."""
        if item.extracted is not None and item.error is None:
            item.prepared = shared_detector().prepare(item.extracted.text, item.language)
        return item


class SegmentStage:
    """Attach a jieba segmentation (lexicon terms loaded as user words)."""

    @guarded("segment")
    def process_item(self, item: CaptureItem) -> CaptureItem:
        """Fill ``item.segmentation``."""
        if item.prepared is not None:
            item.segmentation = shared_detector().segment(item.prepared)
        return item


class FlagStage:
    """Match the lexicon, keep matches on word boundaries, score sentences and document."""

    @guarded("flag")
    def process_item(self, item: CaptureItem) -> CaptureItem:
        """Fill ``item.detection``."""
        if item.prepared is not None and item.segmentation is not None:
            item.detection = shared_detector().flag(item.prepared, item.segmentation)
        return item


class StoreStage:
    """Write items to the database in batches, on one writer thread off the reactor."""

    def __init__(self, settings: Any, stats: Any, source: Any) -> None:
        self.db = settings.get("EVIDENCE_DB")
        self.run_id: int | None = settings.getint("EVIDENCE_RUN_ID") or None
        self.batch_size = settings.getint("EVIDENCE_STORE_BATCH", 50)
        self.stats = stats
        self.source = source
        self.buffer: list[Any] = []
        self.own_run = False
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-store")
        self.writer: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoreStage:
        """Build the stage from the crawler's settings."""
        return cls(crawler.settings, crawler.stats, crawler.spidercls.source)

    async def open_spider(self) -> None:
        """Open the database and register the source (and a run when none was given)."""
        from db.writer import StoreWriter, source_info

        info = source_info(self.source)
        self.writer = await self._run(StoreWriter.open, self.db, info, self.run_id)
        self.own_run = self.run_id is None
        self.run_id = self.writer.run_id

    async def process_item(self, item: CaptureItem) -> CaptureItem:
        """Queue the item; flush a full batch on the writer thread."""
        from pipelines.storage import to_record

        self.buffer.append(to_record(item))
        self.stats.inc_value(f"evidence/items/{'error' if item.error else 'ok'}")
        if item.detection is not None:
            self.stats.inc_value("evidence/hits", len(item.detection.hits))
        if len(self.buffer) >= self.batch_size:
            await self._flush()
        item.body = None  # the bytes are stored; do not keep them in memory
        return item

    async def close_spider(self) -> None:
        """Flush what is left and close the run this stage opened."""
        try:
            await self._flush()
            if self.own_run:
                await self._run(self.writer.finish, "finished", self.stats.get_stats())
        finally:
            await self._run(self.writer.close)
            self.executor.shutdown(wait=True)

    async def _flush(self) -> None:
        batch, self.buffer = self.buffer, []
        if batch:
            result = await self._run(self.writer.write, batch)
            self.stats.inc_value("evidence/new_documents", result.new_documents)
            self.stats.inc_value("evidence/new_versions", result.new_versions)
            self.stats.inc_value("evidence/new_hits", result.new_hits)
            self.stats.inc_value("evidence/removed_documents", result.removed)

    async def _run(self, func: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, func, *args)
