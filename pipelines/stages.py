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
import os
from collections.abc import Callable, Coroutine
from concurrent.futures import BrokenExecutor
from functools import lru_cache
from typing import Any

from crawler.items import CaptureItem
from pipelines import store_executor
from pipelines.text.detect import Detector
from pipelines.text.extract import extract_document
from pipelines.text.language import detect_language
from pipelines.text.types import ExtractionError

logger = logging.getLogger(__name__)
StageMethod = Callable[[Any, CaptureItem], CaptureItem]


@lru_cache(maxsize=4)
def shared_detector(overlay: str | None = None) -> Detector:
    """Return the process-wide detector of the bundled lexicon, or of it with a source's
    overlay (lexicon automaton and jieba loaded once each)."""
    from pipelines.text.lexicon import lexicon_for

    return Detector(lexicon_for(overlay) if overlay else None)


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
            detector = shared_detector(item.lexicon_overlay)
            item.prepared = detector.prepare(item.extracted.text, item.language,
                                             region=item.region)
        return item


class SegmentStage:
    """Attach a jieba segmentation (lexicon terms loaded as user words)."""

    @guarded("segment")
    def process_item(self, item: CaptureItem) -> CaptureItem:
        """Fill ``item.segmentation``."""
        if item.prepared is not None:
            item.segmentation = shared_detector(item.lexicon_overlay).segment(item.prepared)
        return item


class FlagStage:
    """Match the lexicon, keep matches on word boundaries, score sentences and document."""

    @guarded("flag")
    def process_item(self, item: CaptureItem) -> CaptureItem:
        """Fill ``item.detection``."""
        if item.prepared is not None and item.segmentation is not None:
            detector = shared_detector(item.lexicon_overlay)
            item.detection = detector.flag(item.prepared, item.segmentation)
        return item


def _load_segmenter() -> None:
    """Load the jieba dictionary the detector and the search index share."""
    shared_detector().segmenter.load()


class StoreStage:
    """Write items to the database in batches, off the reactor (``pipelines.store_executor``)."""

    def __init__(self, settings: Any, stats: Any, source: Any,
                 stop: Callable[[str], Coroutine[Any, Any, None]] | None = None) -> None:
        self.db = settings.get("EVIDENCE_DB")
        self.run_id: int | None = settings.getint("EVIDENCE_RUN_ID") or None
        self.batch_size = settings.getint("EVIDENCE_STORE_BATCH", 50)
        self.stats = stats
        self.source = source
        self.buffer: list[Any] = []
        self.own_run = False
        self.executor = store_executor.acquire(
            store_executor.wants_process(settings.get("EVIDENCE_STORE_PROCESS")),
            before_fork=_load_segmenter)
        self.key = f"{os.getpid()}-{id(self)}-{source.slug}"  # this stage's writer
        stats.set_value("evidence/store_process", int(self.executor is store_executor.shared()))
        self.stop = stop  # closes the spider (with a reason)
        self.writer_died = False
        self._stopping: set[asyncio.Task[None]] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoreStage:
        """Build the stage from the crawler's settings."""
        async def stop(reason: str) -> None:
            await crawler.engine.close_spider_async(reason=reason)

        return cls(crawler.settings, crawler.stats, crawler.spidercls.source, stop)

    async def open_spider(self) -> None:
        """Open the database and register the source (and a run when none was given)."""
        from db.writer import open_writer, source_info

        info = source_info(self.source)
        run_id = await self._run(open_writer, self.key, self.db, info, self.run_id)
        self.own_run = self.run_id is None
        self.run_id = run_id

    async def process_item(self, item: CaptureItem) -> CaptureItem:
        """Queue the item; flush a full batch on the writer thread."""
        from pipelines.storage import to_record

        if self.writer_died:
            self.stats.inc_value("evidence/items/unstored")
            return item  # not stored: the crawl is stopping, and fetches it again next time
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
        from db.runs import crawl_status
        from db.writer import close_writer, finish_writer

        try:
            await self._flush()
            if self.own_run:
                stats = self.stats.get_stats()
                await self._run(finish_writer, self.key, crawl_status(stats), stats)
        finally:
            try:
                if not self.writer_died:
                    await self._run(close_writer, self.key)
            finally:
                store_executor.release(self.executor)

    async def _flush(self) -> None:
        batch, self.buffer = self.buffer, []
        if batch:
            from db.writer import write_batch

            try:
                result = await self._run(write_batch, self.key, batch)
            except BrokenExecutor as exc:
                self._lost_writer(exc, len(batch))
                return
            self.stats.inc_value("evidence/new_documents", result.new_documents)
            self.stats.inc_value("evidence/new_versions", result.new_versions)
            self.stats.inc_value("evidence/new_hits", result.new_hits)
            self.stats.inc_value("evidence/removed_documents", result.removed)

    def _lost_writer(self, exc: BaseException, unstored: int) -> None:
        """The writer process died (e.g. killed for memory): stop the crawl with a reason.

        What it committed stays; the pages of its last batch and any fetched after are not
        stored, so the next incremental crawl fetches them again. The run ends "incomplete".
        """
        self.writer_died = True
        self.stats.set_value("evidence/store_writer_died", 1)
        self.stats.inc_value("evidence/items/unstored", unstored)
        logger.error("the writer process died (%s); stopping the crawl of %s: %d fetched "
                     "pages were not stored and will be fetched again next time",
                     exc, self.source.slug, unstored)
        if self.stop is not None:
            task = asyncio.get_running_loop().create_task(self.stop("store_writer_died"))
            self._stopping.add(task)
            task.add_done_callback(self._stopping.discard)

    async def _run(self, func: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, func, *args)
