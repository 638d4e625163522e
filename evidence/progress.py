"""A live progress line for interactive crawls; cron runs stay plain (log file only)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

COUNTERS = (
    ("pages", "downloader/response_count"),
    ("items", "item_scraped_count"),
    ("new docs", "evidence/new_documents"),
    ("hits", "evidence/new_hits"),
    ("errors", "evidence/items/error"),
    ("skipped (known)", "evidence/skipped_known"),
)


def progress_table(crawlers: dict[str, Any]) -> Table:
    """Return one row of counters per source, read from each crawler's stats."""
    table = Table("source", *(name for name, _ in COUNTERS), title="crawling")
    for slug, crawler in crawlers.items():
        stats = crawler.stats.get_stats() if getattr(crawler, "stats", None) else {}
        table.add_row(slug, *(str(int(stats.get(key, 0))) for _, key in COUNTERS))
    return table


class Progress:
    """Show ``progress_table`` on standard error while a crawl runs, when enabled."""

    def __init__(self, crawlers: dict[str, Any], enabled: bool) -> None:
        self.live: Live | None = None
        if enabled:
            self.live = Live(get_renderable=lambda: progress_table(crawlers),
                             console=Console(stderr=True), refresh_per_second=2,
                             transient=True)

    def __enter__(self) -> Progress:
        if self.live is not None:
            self.live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.stop()
