"""Two crawl workers share one crawl through a real Redis: nothing fetched or stored twice,
nothing lost when a worker is killed mid-crawl."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import text

from db.engine import open_database
from demo.server import DemoServer
from tests.pg.server import new_database

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["demo-gov", "demo-xinwen", "demo-company"]
# short heartbeats so that a killed worker's requests are taken over within seconds
FAST_LEASES = {"EVIDENCE_QUEUE_HEARTBEAT": "0.3", "EVIDENCE_QUEUE_LEASE_TIMEOUT": "2"}


def _worker(db: str, site: str, queue: str | None, crawl_id: str, data_dir: Path,
            sources: Path | None = None) -> subprocess.Popen[str]:
    """Start `evidence crawl` of the demo sources as one worker of a shared crawl."""
    args = [sys.executable, "-m", "evidence.cli", "crawl", *SOURCES, "--db", db, "--no-progress"]
    if queue:
        args += ["--queue", queue, "--crawl-id", crawl_id]
    env = {**os.environ, **FAST_LEASES, "EVIDENCE_DEMO_URL": site,
           "EVIDENCE_DATA_DIR": str(data_dir),
           **({"EVIDENCE_SOURCES_DIR": str(sources)} if sources else {})}
    return subprocess.Popen(args, cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(worker: subprocess.Popen[str]) -> str:
    out, err = worker.communicate(timeout=240)
    assert worker.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    return out


def _fetches(server: DemoServer) -> Counter[str]:
    """GET requests the site answered, by path (robots.txt is fetched by each worker)."""
    return Counter({path: n for (method, path), n in server.requests.items()
                    if method == "GET" and path != "/robots.txt"})


def _snapshot(db: str, base: str) -> dict[str, Any]:
    """What a crawl stored, with the site's address taken out, on SQLite or PostgreSQL."""
    engine = open_database(db, create=False)
    strip = lambda url: url.replace(base, "")  # noqa: E731
    with engine.connect() as conn:
        rows = lambda sql: conn.execute(text(sql)).all()  # noqa: E731
        snapshot = {
            "documents": sorted(strip(u) for (u,) in rows("SELECT url FROM documents")),
            "versions": sorted((strip(u), s) for u, s in rows(
                "SELECT d.url, v.sha256 FROM versions v JOIN documents d ON d.id = v.document_id")),
            "hits": sorted((strip(u), a, b, t) for u, a, b, t in rows(
                'SELECT d.url, h.start, h."end", h.sentence FROM hits h '
                "JOIN documents d ON d.id = h.document_id")),
            "captured_twice": rows("SELECT url, COUNT(*) FROM captures GROUP BY url "
                                   "HAVING COUNT(*) > 1"),
            "captures_per_run": {run: n for run, n in rows(
                "SELECT run_id, COUNT(*) FROM captures GROUP BY run_id")},
            "runs": rows("SELECT pid, status, stats FROM crawl_runs ORDER BY id"),
        }
    engine.dispose()
    return snapshot


STORED = ("documents", "versions", "hits")


def _retries(runs: list[Any]) -> int:
    """Requests the runs retried (a timeout is asked again, up to RETRY_TIMES)."""
    return sum(int(json.loads(stats or "{}").get("retry/count", 0)) for _, _, stats in runs)


def one_at_a_time(target: Path) -> Path:
    """The demo sources with concurrency 1: a worker holds one request per source, so the
    queue keeps work for the other one however fast the first starts."""
    for path in (ROOT / "crawler" / "sources").glob("*/demo-*.yml"):
        text = path.read_text(encoding="utf-8").replace("concurrency: 8", "concurrency: 1")
        (target / path.name).write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One worker crawling alone, without a queue: what the shared crawl must reproduce."""
    tmp = tmp_path_factory.mktemp("single")
    with DemoServer() as site:
        _finish(_worker(str(tmp / "single.db"), site.url, None, "", tmp / "data"))
        yield {"fetches": _fetches(site), **_snapshot(str(tmp / "single.db"), site.url)}


def _backend_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        yield str(tmp_path / "shared.db")
        return
    with new_database(request.getfixturevalue("pg_server")) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The team's database: a SQLite file both workers open, or a real PostgreSQL."""
    yield from _backend_db(request.param, tmp_path, request)


def test_two_workers_fetch_and_store_everything_exactly_once(
    shared_db: str, redis_url: str, reference: dict[str, Any], tmp_path: Path,  # noqa: F811
) -> None:
    sources = one_at_a_time(tmp_path)
    crawl_id = f"both-{tmp_path.name}"  # one Redis serves every backend: a crawl id that ran
    with DemoServer(latency=0.3) as site:  # to the end is not crawled again
        workers = [_worker(shared_db, site.url, redis_url, crawl_id, tmp_path / "data", sources)
                   for _ in range(2)]
        for worker in workers:
            _finish(worker)
        fetches = _fetches(site)
        got = _snapshot(shared_db, site.url)

    # every page once; the only second fetches are retries the workers counted (timeouts: the
    # demo's slow page always, others when the machine is busy)
    assert set(fetches) == set(reference["fetches"])
    assert sum(fetches.values()) - len(fetches) <= _retries(got["runs"]), fetches
    assert {k: got[k] for k in STORED} == {k: reference[k] for k in STORED}
    assert len(got["hits"]) > 50 and got["captured_twice"] == []
    assert [status for _, status, _ in got["runs"]] == ["finished", "finished"]
    assert len(got["captures_per_run"]) == 2 and min(got["captures_per_run"].values()) > 0
    client = redis.Redis.from_url(redis_url)
    for slug in SOURCES:
        assert client.zcard(f"evidence:{crawl_id}:{slug}:queue") == 0
        assert client.hlen(f"evidence:{crawl_id}:{slug}:queue:inflight") == 0


def _holds_leases(queue: str, crawl_id: str, pid: int) -> bool:
    """True while the worker process ``pid`` holds leased requests of the shared crawl."""
    client = redis.Redis.from_url(queue)
    for slug in SOURCES:
        owners = client.hvals(f"evidence:{crawl_id}:{slug}:queue:owners")
        if any(f":{pid}:".encode() in owner for owner in owners):
            return True
    return False


def test_killed_worker_loses_no_request(
    redis_url: str, reference: dict[str, Any], tmp_path: Path,  # noqa: F811
) -> None:
    db = str(tmp_path / "shared.db")
    (tmp_path / "sources").mkdir()
    sources = one_at_a_time(tmp_path / "sources")  # else the first worker may take it all
    with DemoServer(latency=0.4) as site:
        victim = _worker(db, site.url, redis_url, "kill", tmp_path / "data", sources)
        survivor = _worker(db, site.url, redis_url, "kill", tmp_path / "data", sources)
        deadline = time.monotonic() + 90
        while not _holds_leases(redis_url, "kill", victim.pid) or \
                sum(_fetches(site).values()) < 12:
            assert time.monotonic() < deadline, "the victim never leased a request"
            time.sleep(0.05)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=10)
        _finish(survivor)
        time.sleep(2.5)  # the victim's heartbeat expires
        last = _worker(db, site.url, redis_url, "kill", tmp_path / "data", sources)
        again, again_pid = _finish(last), last.pid
        got = _snapshot(db, site.url)

    assert {k: got[k] for k in STORED} == {k: reference[k] for k in STORED}
    # no article is fetched twice; a listing page may be when the victim died between storing
    # it and releasing its lease (docs/team.md)
    assert [url for url, _ in got["captured_twice"] if "/index" not in url] == []
    runs = {pid: (status, json.loads(stats)) for pid, status, stats in got["runs"]}
    assert runs.keys() == {victim.pid, survivor.pid, again_pid}
    assert runs[victim.pid][0] == "killed"  # marked by the last worker: its heartbeat expired
    assert runs[survivor.pid][0] == runs[again_pid][0] == "finished"
    # the survivor put the requests the victim held back in the queue and fetched them
    assert runs[survivor.pid][1].get("evidence/queue/taken_over", 0) > 0, runs
    assert "already ran to the end" in again and "had been killed" in again
