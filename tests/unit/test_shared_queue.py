"""The shared queue's pieces: the lease ledger, and the leased queue on a real Redis."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
import scrapy
from scrapy.http import Request

from crawler.distributed.config import QueueConfigError, key_prefix, queue_settings
from crawler.distributed.ledger import TicketLedger
from crawler.distributed.queue import LeasedQueue


def test_ticket_settles_when_output_done_and_every_item_left() -> None:
    ledger = TicketLedger()
    ledger.open("7")
    ledger.item_entered("7")
    ledger.item_entered("7")
    assert ledger.item_left("7") is False  # output still running
    assert ledger.output_done("7") is False  # one item still in the pipelines
    assert ledger.item_left("7") is True
    assert len(ledger) == 0


def test_ticket_without_items_settles_at_output_end() -> None:
    ledger = TicketLedger()
    ledger.open("1")
    assert ledger.output_done("1") is True


def test_item_stored_before_the_callback_returned_waits_for_it() -> None:
    ledger = TicketLedger()
    ledger.open("3")
    ledger.item_entered("3")
    assert ledger.item_left("3") is False
    assert ledger.output_done("3") is True


def test_events_of_unknown_or_settled_tickets_are_ignored() -> None:
    ledger = TicketLedger()
    assert ledger.output_done("9") is False
    ledger.item_entered("9")
    assert ledger.item_left("9") is False
    ledger.open("2")
    assert ledger.output_done("2") is True
    assert ledger.output_done("2") is False  # a second end (middleware and errback) is harmless
    ledger.open("4")
    ledger.forget("4")
    assert ledger.output_done("4") is False and len(ledger) == 0


def test_queue_settings_name_keys_after_the_crawl() -> None:
    settings = queue_settings("redis://127.0.0.1:6379/0", "nightly-2026-11-25")
    assert settings["SCHEDULER_QUEUE_KEY"] == "evidence:nightly-2026-11-25:%(spider)s:queue"
    assert settings["SCHEDULER_DUPEFILTER_KEY"] == "evidence:nightly-2026-11-25:%(spider)s:seen"
    assert settings["EVIDENCE_STORE_BATCH"] == 1 and settings["SCHEDULER_PERSIST"] is True
    assert queue_settings("redis://h/0", None)["EVIDENCE_CRAWL_ID"].startswith("nightly-")
    with pytest.raises(QueueConfigError, match="not a redis:// URL"):
        queue_settings("http://127.0.0.1:6379", "x")
    with pytest.raises(QueueConfigError, match="crawl id"):
        key_prefix("two words")


class _Spider(scrapy.Spider):
    name = "queue-test"

    def parse(self, response: Any) -> None:
        """Unused: requests only need a callback that is a spider method."""


@pytest.fixture()
def queue(redis_url: str) -> Iterator[LeasedQueue]:  # noqa: F811
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield LeasedQueue(client, _Spider(), "evidence:t:%(spider)s:queue")
    client.flushdb()


def _request(path: str, priority: int = 0) -> Request:
    spider = _Spider()
    return Request(f"http://127.0.0.1:1/{path}", callback=spider.parse, priority=priority,
                   meta={"page": 2, "listing_meta": {"title": "通知"}})


def test_lease_moves_the_best_request_in_flight(queue: LeasedQueue) -> None:
    queue.push(_request("low"))
    queue.push(_request("high", priority=10))
    leased = queue.lease("host:1:a")
    assert leased is not None
    ticket, request = leased
    assert request.url.endswith("/high") and request.meta["listing_meta"] == {"title": "通知"}
    assert getattr(request.callback, "__name__", None) == "parse"
    assert len(queue) == 1 and queue.in_flight() == 1
    queue.release(ticket)
    assert queue.in_flight() == 0


def test_leases_of_a_dead_worker_go_back_to_the_queue(queue: LeasedQueue) -> None:
    server = queue.server
    for path in ("a", "b", "c"):
        queue.push(_request(path))
    server.set("evidence:t:worker:alive:1:x", "1")
    mine = queue.lease("alive:1:x")
    dead = [queue.lease("dead:2:y"), queue.lease("dead:2:y")]
    assert mine is not None and all(dead) and len(queue) == 0
    assert queue.requeue_dead("evidence:t:worker:") == 2
    assert len(queue) == 2 and queue.in_flight() == 1
    again = {queue.lease("alive:1:x")[1].url for _ in range(2)}  # type: ignore[index]
    assert again == {r[1].url for r in dead if r}
    assert queue.requeue_worker("alive:1:x") == 3 and queue.in_flight() == 0


def test_push_unseen_queues_a_fingerprint_once(queue: LeasedQueue) -> None:
    assert queue.push_unseen(_request("x"), "evidence:t:seen", "fp-x") is True
    assert queue.push_unseen(_request("x"), "evidence:t:seen", "fp-x") is False
    assert len(queue) == 1


@pytest.mark.parametrize(("options", "message"), [
    (["--queue", "redis://127.0.0.1:1/0"], "cannot reach the shared queue at redis://127.0.0.1:1/0"),
    (["--queue", "http://127.0.0.1:6379"], "is not a redis:// URL"),
    (["--queue", "redis://127.0.0.1:1/0", "--crawl-id", "two words"], "crawl id 'two words'"),
    (["--crawl-id", "nightly-x"], "--crawl-id needs --queue"),
])
def test_bad_queue_options_are_one_line_errors(
    options: list[str], message: str, tmp_path: Any, capsys: pytest.CaptureFixture[str],
) -> None:
    from evidence.cli import main

    assert main(["crawl", "demo-gov", "--db", str(tmp_path / "e.db"), *options]) == 2
    err = capsys.readouterr().err
    assert err.startswith("evidence: error: ") and message in err and "Traceback" not in err
    assert not (tmp_path / "e.db").exists()  # nothing started
