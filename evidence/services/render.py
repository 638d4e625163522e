"""Render stored captures in headless Chromium after the crawl: a bounded pool, a time limit per
page, every failure recorded with its reason; the files, WARC records and rows go in from the
calling thread only (db/screenshots.py). A standalone render seals the files it wrote in a
manifest of its own, timestamped when a TSA is configured (evidence/services/timestamp.py);
inside a crawl run (``crawl --render``) the run's manifest lists them instead."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from db.clock import utcnow
from db.engine import session_scope
from db.rawstore import RawStore
from db.screenshots import Outcome, RenderJob, StoredAnswers, known_ends, record, render_sink
from db.warc import WarcSink
from evidence.services import chromium

logger = logging.getLogger(__name__)


@dataclass
class RenderSummary:
    """What one render invocation did."""

    rendered: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    seconds: float = 0.0
    files: set[str] = field(default_factory=set)  # written: PNG, PDF, WARC (data-dir relative)
    timestamp: str = ""  # a standalone render's manifest: timestamped when, or not and why


def render_one(engine: Engine, store: RawStore, job: RenderJob, timeout: float,
               binary: Path | None = None) -> Outcome:
    """Render one job from its stored bytes; a failure is an Outcome with its reason."""
    started, clock = utcnow(), time.monotonic()
    try:
        shot = chromium.render(job.url, StoredAnswers(engine, store, job), timeout=timeout,
                               binary=binary)
    except (chromium.RenderError, OSError) as exc:
        return Outcome(job, "chromium", started, _ms(clock), error=str(exc) or type(exc).__name__)
    return Outcome(job, f"{shot.browser} headless", started, _ms(clock), png=shot.png,
                   pdf=shot.pdf, width=shot.width, height=shot.height,
                   served=tuple(shot.served), blocked=tuple(shot.blocked))


def _ms(clock: float) -> int:
    return int((time.monotonic() - clock) * 1000)


class WarcRouter:
    """Where a rendering's WARC records go: inside crawl run ``run_id`` (before it is sealed),
    a page it captured goes into that capture's own WARC file when the file ends where its last
    known record ends; everything else into a WARC file of this invocation (db/screenshots.py)."""

    def __init__(self, engine: Engine, data_dir: Path, run_id: int | None) -> None:
        self.engine, self.data_dir, self.run_id = engine, data_dir, run_id
        self.own = render_sink(data_dir, utcnow(), run_id)
        self.appending: dict[str, WarcSink | None] | None = None  # run WARC file -> its sink

    def sink(self, job: RenderJob) -> WarcSink:
        """The sink for ``job``'s records."""
        if self.run_id is None or job.run_id != self.run_id or job.warc_file is None:
            return self.own
        if self.appending is None:
            self.appending = self._run_files()
        return self.appending.get(job.warc_file) or self.own

    def _run_files(self) -> dict[str, WarcSink | None]:
        """The run's WARC files that end cleanly, with a sink appending to each (else None: a
        record the database does not know of, a torn last record, the file gone)."""
        assert self.run_id is not None
        with session_scope(self.engine) as session:
            ends = known_ends(session, self.run_id)
        found: dict[str, WarcSink | None] = {}
        for name, end in ends.items():
            path = self.data_dir / name
            clean = path.is_file() and path.stat().st_size == end
            if not clean:
                logger.warning("%s does not end where its last known record ends: screenshots "
                               "of its pages go to a WARC file of their own", name)
            found[name] = WarcSink.appending(self.data_dir, name) if clean else None
        return found

    def close(self) -> None:
        """Sync and close every file written."""
        for sink in [self.own, *(self.appending or {}).values()]:
            if sink is not None:
                sink.close()


def render_jobs(engine: Engine, data_dir: Path, jobs: list[RenderJob], workers: int = 2,
                timeout: float = 30.0, binary: Path | None = None,
                progress: Callable[[Outcome], None] | None = None,
                run_id: int | None = None) -> RenderSummary:
    """Render ``jobs`` with ``workers`` browsers at a time; store each as it finishes;
    ``run_id``: the crawl run rendering them before it is sealed (WarcRouter)."""
    summary, clock = RenderSummary(), time.monotonic()
    store, router = RawStore(data_dir), WarcRouter(engine, data_dir, run_id)
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            running: set[Future[Outcome]] = {
                pool.submit(render_one, engine, store, job, timeout, binary) for job in jobs}
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    _keep(engine, store, router, future.result(), summary, progress)
    finally:
        router.close()
    summary.seconds = time.monotonic() - clock
    return summary


def _keep(engine: Engine, store: RawStore, router: WarcRouter, outcome: Outcome,
          summary: RenderSummary, progress: Callable[[Outcome], None] | None) -> None:
    with session_scope(engine) as session:
        row = record(session, store, router.sink(outcome.job), outcome)
        summary.files |= {p for p in (row.raw_path, row.pdf_path, row.warc_file) if p}
    if outcome.error is None:
        summary.rendered += 1
    else:
        summary.failed.append((outcome.job.url, outcome.error))
    if progress is not None:
        progress(outcome)


@dataclass(frozen=True)
class Selection:
    """Which stored pages to render: a source's, a document's, those pending, those failed."""

    source: str | None = None
    document_id: int | None = None
    pending: bool = True
    retry_failed: bool = False


def render_selected(db: str | None, chosen: Selection, workers: int = 2, timeout: float = 30.0,
                    progress: Callable[[Outcome], None] | None = None) -> RenderSummary:
    """Render the ``chosen`` pages of the database ``db`` (a UserError without Chromium), then
    seal the files written in a render manifest and timestamp it if a TSA is configured."""
    from db.engine import data_dir_for, open_database, resolve_db_url
    from db.screenshots import jobs
    from evidence.services.errors import UserError
    from evidence.services.timestamp import seal_render

    if chromium.chromium_path() is None:
        raise UserError("chromium is not installed (apt-get install chromium)")
    engine = open_database(db, create=False)
    with session_scope(engine) as session:
        todo = jobs(session, chosen.source, chosen.document_id, pending=chosen.pending,
                    retry_failed=chosen.retry_failed)
    data_dir = data_dir_for(resolve_db_url(db))
    summary = render_jobs(engine, data_dir, todo, workers=workers, timeout=timeout,
                          progress=progress)
    if summary.files:
        summary.timestamp = seal_render(engine, data_dir, summary.files).line()
    engine.dispose()
    return summary


def render_pending(engine: Engine, data_dir: Path, run_id: int | None = None, workers: int = 2,
                   timeout: float = 30.0) -> tuple[list[str], set[str]]:
    """After crawl run ``run_id``, before it is sealed: render the pages with hits not yet
    rendered (the run's own into its WARC files); lines saying what became of them, or why none
    were (Chromium not installed), and the files written (for the run's manifest); a failure
    never fails the crawl."""
    from db.screenshots import jobs

    if chromium.chromium_path() is None:
        return ["Screenshots: skipped: chromium is not installed (apt-get install chromium); "
                "`evidence render --pending` makes them later"], set()
    summary = RenderSummary()
    try:
        with session_scope(engine) as session:
            todo = jobs(session)
        summary = render_jobs(engine, data_dir, todo, workers=workers, timeout=timeout,
                              run_id=run_id)
    except Exception as exc:  # noqa: BLE001 - the crawl is stored: report, do not fail
        logger.exception("rendering after the crawl failed")
        return [f"Screenshots: not made: {exc}; `evidence render --pending` tries again"], \
            summary.files
    if not todo:
        return ["Screenshots: none pending (every page with hits has been rendered)"], set()
    lines = [f"Screenshots of pages with hits: {summary.rendered} rendered, "
             f"{len(summary.failed)} failed ({summary.seconds:.1f}s)"]
    lines += [f"  failed: {url}: {reason}" for url, reason in summary.failed]
    return lines, summary.files
