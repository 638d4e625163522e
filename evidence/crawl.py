"""Run Scrapy crawls of named sources in this process and record them as one run."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.store import finish_run, start_run


@dataclass(frozen=True)
class CrawlOutcome:
    """What a finished crawl run reports back."""

    run_id: int
    status: str
    stats: dict[str, Any]
    log_file: Path


def _settings(db_url: str, run_id: int, log_file: Path) -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("EVIDENCE_DB", db_url, priority="cmdline")
    settings.set("EVIDENCE_RUN_ID", run_id, priority="cmdline")
    settings.set("LOG_FILE", str(log_file), priority="cmdline")
    settings.set("LOG_FILE_APPEND", True, priority="cmdline")
    return settings


def _merge_stats(all_stats: list[dict[str, Any]]) -> dict[str, Any]:
    """Add up the numeric counters of several crawlers."""
    total: dict[str, float] = {}
    for stats in all_stats:
        for key, value in stats.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
    return dict(sorted(total.items()))


def run_crawl(slugs: list[str], db: str | None) -> CrawlOutcome:
    """Crawl the given sources (once per process: Twisted's reactor cannot restart)."""
    from scrapy.crawler import CrawlerProcess

    db_url = resolve_db_url(db)
    engine = open_database(db_url)
    with session_scope(engine) as session:
        run_id = start_run(session, slugs)
    log_dir = data_dir_for(db_url) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / f"run-{run_id}.log"
    logging.captureWarnings(True)  # library deprecation notices go to the log, not the user
    process = CrawlerProcess(_settings(db_url, run_id, log_file))
    crawlers = [process.create_crawler(slug) for slug in slugs]
    for crawler in crawlers:
        process.crawl(crawler)
    status = "finished"
    try:
        process.start()
    except KeyboardInterrupt:
        status = "interrupted"
    stats = _merge_stats([c.stats.get_stats() for c in crawlers if c.stats])
    if any(c.stats and c.stats.get_value("finish_reason") not in ("finished", None)
           for c in crawlers):
        status = "incomplete"
    with session_scope(engine) as session:
        finish_run(session, run_id, status, stats)
    engine.dispose()
    return CrawlOutcome(run_id=run_id, status=status, stats=stats, log_file=log_file)
