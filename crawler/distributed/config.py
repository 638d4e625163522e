"""Scrapy settings that turn a crawl into one worker of a crawl shared through Redis."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

_CRAWL_ID = re.compile(r"^[A-Za-z0-9._-]{1,80}$")
DEFAULT_HEARTBEAT = 5.0  # seconds between a worker's heartbeats
DEFAULT_LEASE_TIMEOUT = 60.0  # seconds after the last heartbeat at which a worker counts as dead
SPIDER = "%(spider)s"  # scrapy-redis fills in the spider (source) name


class QueueConfigError(ValueError):
    """A shared-queue setting that cannot work."""


def default_crawl_id() -> str:
    """Name the crawl after today's UTC date, so nightly workers started by cron meet."""
    return "nightly-" + datetime.now(UTC).strftime("%Y-%m-%d")


def key_prefix(crawl_id: str) -> str:
    """Return the prefix of every Redis key of one shared crawl."""
    if not _CRAWL_ID.match(crawl_id):
        raise QueueConfigError(f"crawl id {crawl_id!r}: use letters, digits, '.', '_', '-'")
    return f"evidence:{crawl_id}"


def queue_key(crawl_id: str, slug: str = SPIDER) -> str:
    """Return the Redis key of a source's request queue in a shared crawl."""
    return f"{key_prefix(crawl_id)}:{slug}:queue"


def seen_key(crawl_id: str, slug: str = SPIDER) -> str:
    """Return the Redis key of a source's seen-request set in a shared crawl."""
    return f"{key_prefix(crawl_id)}:{slug}:seen"


def worker_prefix(crawl_id: str) -> str:
    """Return the prefix of the workers' heartbeat keys in a shared crawl."""
    return f"{key_prefix(crawl_id)}:worker:"


def queue_settings(queue_url: str, crawl_id: str | None) -> dict[str, Any]:
    """Return the settings of a worker of the shared crawl ``crawl_id`` on ``queue_url``."""
    if not queue_url.startswith(("redis://", "rediss://", "unix://")):
        raise QueueConfigError(f"queue {queue_url!r} is not a redis:// URL")
    crawl_id = crawl_id or default_crawl_id()
    return {
        "EVIDENCE_QUEUE_URL": queue_url,
        "EVIDENCE_CRAWL_ID": crawl_id,
        "REDIS_URL": queue_url,
        "SCHEDULER": "crawler.distributed.scheduler.LeasedScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.queue.LeasedQueue",
        "SCHEDULER_QUEUE_KEY": queue_key(crawl_id),
        "SCHEDULER_DUPEFILTER_KEY": seen_key(crawl_id),
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # other workers still use the queue when this one ends
        "EVIDENCE_QUEUE_WORKER_PREFIX": worker_prefix(crawl_id),
        # a lease is settled only once its items are committed: store them one by one
        "EVIDENCE_STORE_BATCH": 1,
    }
