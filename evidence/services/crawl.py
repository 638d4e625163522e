"""Run Scrapy crawls of named sources in this process and record them as one run."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.distributed.config import DEFAULT_LEASE_TIMEOUT
from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.runs import begin_run, close_abandoned_runs, crawl_status, parse_failures
from db.store import finish_run
from evidence.services.lock import CrawlLock
from evidence.services.shared_queue import SharedQueue

logger = logging.getLogger(__name__)
# shown while the crawlers run, given them by source slug (the CLI's live progress table)
Watch = Callable[[dict[str, Any]], AbstractContextManager[object]]


@dataclass(frozen=True)
class CrawlOutcome:
    """What a finished crawl run reports back."""

    run_id: int
    status: str
    stats: dict[str, Any]
    log_file: Path
    killed_runs: list[int]
    timestamp: str = ""  # the run manifest's timestamp: stamped when, or not and why
    screenshots: tuple[str, ...] = ()  # with render: what rendering the pages with hits did


def _settings(db_url: str, run_id: int, log_file: Path, incremental: bool,
              recheck_days: float | None = None) -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("EVIDENCE_DB", db_url, priority="cmdline")
    settings.set("EVIDENCE_RUN_ID", run_id, priority="cmdline")
    settings.set("EVIDENCE_INCREMENTAL", incremental, priority="cmdline")
    if recheck_days is not None:  # else EVIDENCE_RECHECK_DAYS, or each source's recheck_days
        settings.set("EVIDENCE_RECHECK_DAYS", recheck_days, priority="cmdline")
    settings.set("LOG_FILE", str(log_file), priority="cmdline")
    settings.set("LOG_FILE_APPEND", True, priority="cmdline")
    return settings


def merge_stats(per_source: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Add up the numeric counters of several crawlers; keep per-source item counts."""
    total: dict[str, float] = {}
    for slug, stats in per_source.items():
        for key, value in stats.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
        total[f"skipped_known/{slug}"] = stats.get("evidence/skipped_known", 0)
        if parse_failures(stats):
            total[f"parse_failed/{slug}"] = parse_failures(stats)
    return dict(sorted(total.items()))


def run_crawl(slugs: list[str], db: str | None, *, incremental: bool = True,
              watch: Watch | None = None, queue: SharedQueue | None = None,
              recheck_days: float | None = None, render: bool = False) -> CrawlOutcome:
    """Crawl the given sources as one recorded run: under the crawl lock, or as a worker
    of a crawl shared through ``queue``; ``watch``: what runs while the crawlers do, given
    them by slug (the CLI's live progress); ``recheck_days`` overrides the re-check cadence;
    ``render``: screenshots of the pages with hits, before the run's manifest is sealed."""
    db_url = resolve_db_url(db)
    engine = open_database(db_url)
    data_dir = data_dir_for(db_url)
    client = queue.connect() if queue else None
    guard = CrawlLock(data_dir / "crawl.lock") if queue is None else nullcontext()
    with guard as lock:
        killed, run_id = _open_run(engine, slugs, queue, client)
        if lock is not None and lock.stale_holder:
            logger.warning("cleared a stale crawl lock left by %s", lock.stale_holder)
        log_dir = data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log_file = log_dir / f"run-{run_id}.log"
        settings = _settings(db_url, run_id, log_file, incremental, recheck_days)
        for name, value in (queue.settings() if queue else {}).items():
            settings.set(name, value, priority="cmdline")
        status, stats = _crawl(slugs, settings, watch or _unwatched)
        with session_scope(engine) as session:
            finish_run(session, run_id, status, stats)
        shots, files = _render(engine, data_dir, run_id) if render else ([], set())
        stamped = _seal(engine, data_dir, run_id, files)
    engine.dispose()
    return CrawlOutcome(run_id, status, stats, log_file, killed, stamped, tuple(shots))


def _render(engine: Any, data_dir: Path, run_id: int) -> tuple[list[str], set[str]]:
    """Screenshots of the pages with hits not yet rendered (the run's own into its WARC files),
    and the files written (so that the run's manifest lists them, older runs' pages included)."""
    from evidence.services.render import render_pending

    return render_pending(engine, data_dir, run_id)


def _seal(engine: Any, data_dir: Path, run_id: int, files: set[str]) -> str:
    """Store the run's manifest (with ``files``) and timestamp it; a failure never fails the
    run."""
    from evidence.services.timestamp import seal_run

    try:
        return seal_run(engine, data_dir, run_id, files).line()
    except Exception as exc:  # noqa: BLE001 - the crawl is stored: report, do not fail
        logger.exception("run %s: no manifest stored", run_id)
        return f"run {run_id}: not timestamped: no manifest stored ({exc})"


def _open_run(engine: Any, slugs: list[str], queue: SharedQueue | None,
              client: Any) -> tuple[list[int], int]:
    """Close the runs of crawls that died, then start this one; return both."""
    if queue is None:
        with session_scope(engine) as session:
            killed = close_abandoned_runs(session)
            return killed, begin_run(session, slugs, os.getpid())
    lease_s = float(os.environ.get("EVIDENCE_QUEUE_LEASE_TIMEOUT", DEFAULT_LEASE_TIMEOUT))
    lease_ms = int(lease_s * 1000)
    client.set(queue.heartbeat_key, "starting", px=lease_ms)  # alive before the run exists
    with session_scope(engine) as session:
        killed = close_abandoned_runs(session, alive=lambda key: bool(client.exists(key)))
        return killed, begin_run(session, slugs, os.getpid(), queue.heartbeat_key)


def _unwatched(crawlers: dict[str, Any]) -> AbstractContextManager[object]:
    """Nothing to show while crawling."""
    return nullcontext()


def _crawl(slugs: list[str], settings: Any, watch: Watch) -> tuple[str, dict[str, Any]]:
    """Run the crawlers to completion (Twisted's reactor runs once per process)."""
    from scrapy.crawler import CrawlerProcess

    logging.captureWarnings(True)  # library deprecation notices go to the log, not the user
    process = CrawlerProcess(settings)
    crawlers = {slug: process.create_crawler(slug) for slug in slugs}
    failed: list[str] = []
    for slug, crawler in crawlers.items():
        process.crawl(crawler).addErrback(_source_failed, slug, failed)
    status = "finished"
    with watch(crawlers):
        try:
            process.start()
        except KeyboardInterrupt:
            status = "interrupted"
    per_source = {slug: (c.stats.get_stats() if c.stats else {}) for slug, c in crawlers.items()}
    statuses = {crawl_status(stats, stats.get("finish_reason")) for stats in per_source.values()}
    if status == "finished" and (failed or statuses - {"finished"}):
        status = "incomplete"
    return status, merge_stats(per_source)


def _source_failed(failure: Any, slug: str, failed: list[str]) -> None:
    """A source that could not start (e.g. its database unreachable): log it, go on."""
    logger.error("source %s could not run: %s", slug, failure.getErrorMessage(),
                 exc_info=(failure.type, failure.value, failure.getTracebackObject()))
    print(f"evidence: source {slug} could not run: {failure.getErrorMessage()[:300]} "
          "(details in the run log)", file=sys.stderr)
    failed.append(slug)
