"""Scrapy item pipelines: thin adapters around the text core's ``process_document``, then storage.

ITEM_PIPELINES (crawler/settings.py) runs them in this order: process (100) -> store (600).
Processing skips items that failed before it; a step that fails (extract, language, normalise,
segment, flag) records its error on the item instead of dropping it, so the capture is still
stored with its reason.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Coroutine
from concurrent.futures import BrokenExecutor
from typing import Any

from crawler.items import CaptureItem
from pipelines import store_executor
from pipelines.text.process import DocumentMeta, first_header, process_document, shared_detector

logger = logging.getLogger(__name__)


class ProcessStage:
    """Extract, detect the language, normalise, segment and flag (``process_document``)."""

    def process_item(self, item: CaptureItem) -> CaptureItem:
        """Fill ``item.extracted`` to ``item.detection``, or record why processing failed."""
        if not item.is_content or item.body is None:
            return item
        done = process_document(item.body, document_meta(item), contain_failures=True)
        item.extracted, item.language = done.extracted, done.language
        item.prepared, item.segmentation = done.prepared, done.segmentation
        item.detection = done.detection
        if done.error is not None:
            item.error = f"extract_failed: {done.error}"
        if done.failure is not None:
            step, exc = done.failure.step, done.failure.error
            logger.error("%s stage failed on %s", step, item.url, exc_info=exc)
            item.error = f"{step}_failed: {type(exc).__name__}: {str(exc)[:300]}"
            item.extracted = item.detection = None
        return item


def document_meta(item: CaptureItem) -> DocumentMeta:
    """What the crawl knows of a fetched document: its headers and its source's settings."""
    return DocumentMeta(
        url=item.final_url, content_type=item.content_type,
        content_type_header=first_header(item.headers, "Content-Type"),
        encoding_override=item.encoding_override, selectors=item.selectors,
        publisher=item.publisher, region=item.region, lexicon_overlay=item.lexicon_overlay)


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
