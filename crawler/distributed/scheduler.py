"""The scheduler of a distributed crawl: scrapy-redis's, with leased requests and heartbeats."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from functools import lru_cache
from typing import Any

from scrapy import signals
from scrapy.http import Request
from scrapy_redis.scheduler import Scheduler

from crawler.distributed import TICKET
from crawler.distributed import signals as lease_signals
from crawler.distributed.config import DEFAULT_HEARTBEAT, DEFAULT_LEASE_TIMEOUT
from crawler.distributed.ledger import TicketLedger

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def worker_id() -> str:
    """Return this process's name in the shared queue: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Heartbeat(threading.Thread):
    """Keep the worker's key alive in Redis; when the process dies, the key expires."""

    def __init__(self, server: Any, key: str, every: float, lease_timeout: float) -> None:
        super().__init__(name="evidence-queue-heartbeat", daemon=True)
        self.server, self.key = server, key
        self.every, self.ttl_ms = every, max(int(lease_timeout * 1000), 1)
        self.stopped = threading.Event()

    def beat(self) -> None:
        """Refresh the key once."""
        self.server.set(self.key, str(time.time()), px=self.ttl_ms)

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                self.beat()
            except Exception as exc:  # noqa: BLE001 - Redis down: retry on the next beat
                logger.warning("queue heartbeat failed: %s", exc)


class LeasedScheduler(Scheduler):
    """Hand out requests as leases; settle them when stored, put back those of dead workers."""

    crawler: Any
    queue: Any
    worker: str
    every: float
    lease_timeout: float
    retention: int
    heartbeat_prefix: str
    ledger: TicketLedger
    last_reap: float
    heartbeat: Heartbeat

    @classmethod
    def from_crawler(cls, crawler: Any) -> LeasedScheduler:
        """Build the scheduler and listen to the signals that settle leases."""
        scheduler: LeasedScheduler = super().from_crawler(crawler)
        settings = crawler.settings
        scheduler.crawler = crawler
        scheduler.worker = worker_id()
        scheduler.every = settings.getfloat("EVIDENCE_QUEUE_HEARTBEAT", DEFAULT_HEARTBEAT)
        scheduler.lease_timeout = settings.getfloat("EVIDENCE_QUEUE_LEASE_TIMEOUT",
                                                    DEFAULT_LEASE_TIMEOUT)
        scheduler.retention = int(settings.getfloat("EVIDENCE_QUEUE_RETENTION_DAYS", 7) * 86400)
        scheduler.heartbeat_prefix = settings.get("EVIDENCE_QUEUE_WORKER_PREFIX")
        scheduler.ledger = TicketLedger()
        scheduler.last_reap = 0.0
        connect = crawler.signals.connect
        connect(scheduler._item_entered, signal=lease_signals.item_entered)
        connect(scheduler._output_done, signal=lease_signals.output_done)
        for left in (signals.item_scraped, signals.item_dropped, signals.item_error):
            connect(scheduler._item_left, signal=left)
        return scheduler

    def open(self, spider: Any) -> None:
        """Open the shared queue, start the heartbeat, take over leases of dead workers."""
        super().open(spider)
        self.heartbeat = Heartbeat(self.server, self.heartbeat_prefix + self.worker,
                                   self.every, self.lease_timeout)
        self.heartbeat.beat()
        self.heartbeat.start()
        self._reap(force=True)

    def close(self, reason: str) -> None:
        """Stop the heartbeat; put back whatever this worker still holds."""
        self.heartbeat.stopped.set()
        returned = self.queue.requeue_worker(self.worker)
        if returned:
            logger.warning("%s: put %d unfinished request(s) back in the shared queue",
                           self.spider.name, returned)
        if not self.has_pending_requests():
            for key in (self.df.key, self.queue.counter_key):
                self.server.expire(key, self.retention)

    def enqueue_request(self, request: Request) -> bool:
        """Queue a request unless seen; a redirect or retry replaces the lease it came from."""
        replaced = request.meta.pop(TICKET, None)
        if request.dont_filter:
            self.queue.push(request)
            queued = True
        else:
            queued = self.queue.push_unseen(request, self.df.key,
                                            self.df.request_fingerprint(request))
        if queued:
            self.stats.inc_value("scheduler/enqueued/redis")
        else:
            self.df.log(request, self.spider)
        if replaced:
            self._release(replaced)
        return bool(queued)

    def next_request(self) -> Request | None:
        """Lease the next request; when there is none, look for leases of dead workers."""
        leased = self.queue.lease(self.worker)
        if leased is None:
            self._reap()
            return None
        ticket, request = leased
        request.meta[TICKET] = ticket
        self.ledger.open(ticket)
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """True while any worker's requests are queued or still being processed."""
        return len(self.queue) > 0 or self.queue.in_flight() > 0

    def _reap(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last_reap < self.every:
            return
        self.last_reap = now
        moved = self.queue.requeue_dead(self.heartbeat_prefix)
        if moved:
            logger.warning("%s: took over %d request(s) of a worker that stopped",
                           self.spider.name, moved)
            self.stats.inc_value("evidence/queue/taken_over", moved)

    def _release(self, ticket: str) -> None:
        self.ledger.forget(ticket)
        self.queue.release(ticket)

    def _item_entered(self, ticket: str, **_: Any) -> None:
        self.ledger.item_entered(ticket)

    def _output_done(self, ticket: str, **_: Any) -> None:
        if self.ledger.output_done(ticket):
            self.queue.release(ticket)

    def _item_left(self, item: Any, **_: Any) -> None:
        ticket = getattr(item, "queue_ticket", None)
        if ticket and self.ledger.item_left(ticket):
            self.queue.release(ticket)
