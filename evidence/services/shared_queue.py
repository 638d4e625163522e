"""The shared Redis queue from the command line: connect, name this worker, read its state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.distributed.config import (
    QueueConfigError,
    default_crawl_id,
    queue_key,
    queue_settings,
    seen_key,
    worker_prefix,
)
from crawler.distributed.queue import inflight_key
from crawler.distributed.scheduler import worker_id
from evidence.services.errors import UserError


@dataclass(frozen=True)
class SharedQueue:
    """A Redis server and the name of the crawl that workers share on it."""

    url: str
    crawl_id: str

    @classmethod
    def from_options(cls, url: str | None, crawl_id: str | None) -> SharedQueue | None:
        """Return the queue named by --queue/--crawl-id, or None for a single-machine crawl."""
        if not url:
            if crawl_id:
                raise UserError("--crawl-id needs --queue (or EVIDENCE_QUEUE_URL)")
            return None
        queue = cls(url, crawl_id or default_crawl_id())
        try:
            queue.settings()
        except QueueConfigError as exc:
            raise UserError(str(exc)) from None
        return queue

    def settings(self) -> dict[str, Any]:
        """Return the Scrapy settings of a worker of this crawl."""
        return queue_settings(self.url, self.crawl_id)

    @property
    def heartbeat_key(self) -> str:
        """Return the Redis key that says this worker process is alive."""
        return worker_prefix(self.crawl_id) + worker_id()

    def connect(self) -> Any:
        """Return a client of the queue's Redis server, or fail with one clear line."""
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=10)
        try:
            client.ping()
        except redis.RedisError as exc:
            raise UserError(f"cannot reach the shared queue at {self.url}: {exc}") from None
        return client

    def finished_before(self, client: Any, slugs: list[str]) -> bool:
        """True when every source of this crawl id was crawled to the end already."""
        for slug in slugs:
            queue = queue_key(self.crawl_id, slug)
            if not client.exists(seen_key(self.crawl_id, slug)):
                return False
            if client.zcard(queue) or client.hlen(inflight_key(queue)):
                return False
        return True
