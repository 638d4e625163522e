"""Run Scrapy crawls of named sources in this process and record them as one run."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.runs import begin_run, close_abandoned_runs
from db.store import finish_run
from evidence.lock import CrawlLock
from evidence.progress import Progress

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlOutcome:
    """What a finished crawl run reports back."""

    run_id: int
    status: str
    stats: dict[str, Any]
    log_file: Path
    killed_runs: list[int]


def _settings(db_url: str, run_id: int, log_file: Path, incremental: bool) -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("EVIDENCE_DB", db_url, priority="cmdline")
    settings.set("EVIDENCE_RUN_ID", run_id, priority="cmdline")
    settings.set("EVIDENCE_INCREMENTAL", incremental, priority="cmdline")
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
    return dict(sorted(total.items()))


def run_crawl(slugs: list[str], db: str | None, *, incremental: bool = True,
              progress: bool | None = None) -> CrawlOutcome:
    """Crawl the given sources under the crawl lock, as one recorded run."""
    db_url = resolve_db_url(db)
    engine = open_database(db_url)
    data_dir = data_dir_for(db_url)
    with CrawlLock(data_dir / "crawl.lock") as lock:
        with session_scope(engine) as session:
            killed = close_abandoned_runs(session)
            run_id = begin_run(session, slugs, os.getpid())
        if lock.stale_holder:
            logger.warning("cleared a stale crawl lock left by %s", lock.stale_holder)
        log_dir = data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log_file = log_dir / f"run-{run_id}.log"
        settings = _settings(db_url, run_id, log_file, incremental)
        show = sys.stderr.isatty() if progress is None else progress
        status, stats = _crawl(slugs, settings, show)
        with session_scope(engine) as session:
            finish_run(session, run_id, status, stats)
    engine.dispose()
    return CrawlOutcome(run_id, status, stats, log_file, killed)


def _crawl(slugs: list[str], settings: Any, show_progress: bool) -> tuple[str, dict[str, Any]]:
    """Run the crawlers to completion (Twisted's reactor runs once per process)."""
    from scrapy.crawler import CrawlerProcess

    logging.captureWarnings(True)  # library deprecation notices go to the log, not the user
    process = CrawlerProcess(settings)
    crawlers = {slug: process.create_crawler(slug) for slug in slugs}
    for crawler in crawlers.values():
        process.crawl(crawler)
    status = "finished"
    with Progress(crawlers, enabled=show_progress):
        try:
            process.start()
        except KeyboardInterrupt:
            status = "interrupted"
    per_source = {slug: (c.stats.get_stats() if c.stats else {}) for slug, c in crawlers.items()}
    reasons = {stats.get("finish_reason") for stats in per_source.values()}
    if status == "finished" and reasons - {"finished", None}:
        status = "incomplete"
    return status, merge_stats(per_source)
