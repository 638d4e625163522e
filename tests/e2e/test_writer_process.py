"""The crawl stores through a writer process: same evidence as a writer thread, and a writer
that dies stops the crawl cleanly without losing what it stored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from db.engine import open_database
from demo.server import DemoServer
from tests.e2e.test_distributed import SOURCES, _snapshot

ROOT = Path(__file__).resolve().parents[2]


def _crawl(db: Path, site: str, **env: str) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "evidence.cli", "crawl", *SOURCES, "--db", str(db),
            "--no-progress"]
    return subprocess.Popen(args, cwd=ROOT, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE,
                            env={**os.environ, "EVIDENCE_DEMO_URL": site, **env})


def _evidence(db: Path, site: str) -> dict[str, Any]:
    """What a crawl stored, without run bookkeeping (which differs by design)."""
    found = _snapshot(f"sqlite:///{db}", site)
    return {k: found[k] for k in ("documents", "versions", "hits", "captured_twice")}


def _runs(db: Path) -> list[tuple[str, dict[str, Any]]]:
    engine = open_database(str(db), create=False)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT status, stats FROM crawl_runs ORDER BY id")).all()
    engine.dispose()
    return [(status, json.loads(stats or "{}")) for status, stats in rows]


def test_writer_process_and_thread_store_the_same_evidence(tmp_path: Path) -> None:
    with DemoServer() as site:
        stored = {}
        for mode in ("1", "0"):
            db = tmp_path / f"mode{mode}" / "e.db"
            db.parent.mkdir()
            crawl = _crawl(db, site.url, EVIDENCE_STORE_PROCESS=mode)
            _, err = crawl.communicate(timeout=300)
            assert crawl.returncode == 0, err[-3000:]
            stored[mode] = _evidence(db, site.url)
            [(status, stats)] = _runs(db)
            assert status == "finished"
            assert stats["evidence/store_process"] == (len(SOURCES) if mode == "1" else 0)
    assert stored["1"]["hits"] and stored["1"] == stored["0"]


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def _captures(db: Path) -> int:
    if not db.exists():
        return 0
    try:  # the crawl may still be creating the file or its schema
        engine = open_database(str(db), create=False)
    except Exception:  # noqa: BLE001 - not a database yet: nothing stored
        return 0
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM captures")) or 0)
    except Exception:  # noqa: BLE001 - the schema may not exist yet
        return 0
    finally:
        engine.dispose()


def _failed_urls(db: Path) -> set[str]:
    """URLs whose capture records a failure (an error or an HTTP error status): a later crawl
    asks for them again by design."""
    engine = open_database(str(db), create=False)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT url FROM captures WHERE error IS NOT NULL "
                                 "OR http_status >= 400")).all()
    engine.dispose()
    return {url for (url,) in rows}


def test_killed_writer_stops_the_crawl_and_keeps_what_it_stored(tmp_path: Path) -> None:
    reference_db, db = tmp_path / "reference.db", tmp_path / "killed.db"
    with DemoServer() as site:
        done = _crawl(reference_db, site.url)
        assert done.wait(timeout=300) == 0
        reference = _evidence(reference_db, site.url)
    with DemoServer(latency=0.3) as site:
        crawl = _crawl(db, site.url, EVIDENCE_STORE_PROCESS="1", EVIDENCE_STORE_BATCH="1")
        deadline = time.monotonic() + 120
        while _captures(db) < 5 and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.2)
        [writer] = _children(crawl.pid)
        stored_before = _captures(db)
        os.kill(writer, signal.SIGKILL)
        out, err = crawl.communicate(timeout=120)
        assert crawl.returncode == 1, err[-3000:]
        assert "Traceback" not in err, err[-3000:]
        assert "the writer process died" in err
        [(status, stats)] = _runs(db)
        assert status == "incomplete"
        assert stats["evidence/store_writer_died"] >= 1
        assert stored_before <= _captures(db) < len(reference["documents"]) + 10

        verify = subprocess.run([sys.executable, "-m", "evidence.cli", "verify", "--db",
                                 str(db)], cwd=ROOT, capture_output=True, text=True,
                                timeout=300)
        assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]

        again = _crawl(db, site.url)
        _, err = again.communicate(timeout=300)
        assert again.returncode == 0, err[-3000:]
        after = _evidence(db, site.url)
    # each crawl captures the listing pages anew and asks again for pages that failed; no
    # article page stored the first time is captured twice
    twice = {url for url, _ in after.pop("captured_twice") if "/index" not in url}
    assert twice <= _failed_urls(db), twice - _failed_urls(db)
    reference.pop("captured_twice")
    assert after == reference
