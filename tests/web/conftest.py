"""Fixtures of the desk tests: a crawled demo database, a hostile page in it, a live server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.rawstore import RawStore
from db.store import CaptureRecord, SourceInfo, ensure_source, store_batch
from pipelines.text.detect import Detector
from pipelines.text.extract import extract_document
from tests.ports import free_port
from web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_SLUG = "hostile-test"
# A crawled page whose title and body carry markup payloads as *text* (escaped in the HTML, so
# the extractor yields them literally), plus live markup that only the archived copy contains.
HOSTILE_TITLE = ('示范测试<script>document.title="PWNED"</script>'
                 '"><img src=x onerror=document.title="PWNED2">')


def hostile_html(beacon: str) -> bytes:
    """The raw page: escaped payloads in title/body, live script and beacons in the markup."""
    escaped = (HOSTILE_TITLE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
               .replace('"', "&quot;"))
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{escaped}</title><link rel="stylesheet" href="{beacon}/style.css">
<script src="{beacon}/remote.js"></script><script>document.title="PWNED-ARCHIVE"</script>
</head><body><h1>{escaped}</h1><div class="body">
<p>今年以来，示范县有组织转移南疆四地州农村富余劳动力1200人，{escaped}赴示范工厂集中培训后上岗。</p>
<p>示范县劳动力转移就业工作领导小组要求各乡镇落实目标责任状，确保完成转移就业目标任务。</p>
<img src="{beacon}/pixel.png"><img src=x onerror="document.title='PWNED3'">
</div></body></html>""".encode()


@dataclass
class Beacon:
    """A 127.0.0.1 server that counts requests: any request means something escaped."""

    url: str
    hits: list[str]


@pytest.fixture(scope="session")
def beacon() -> Iterator[Beacon]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Beacon(f"http://127.0.0.1:{server.server_address[1]}", hits)
    server.shutdown()


def crawl_demo(db: Path) -> subprocess.CompletedProcess[str]:
    """Run the real `evidence demo` crawl into ``db`` (a subprocess: one reactor per process)."""
    return subprocess.run(
        [sys.executable, "-m", "evidence.cli", "demo", "--db", str(db), "--port",
         str(free_port()), "--no-render"],  # test_render renders them itself
        capture_output=True, text=True, cwd=ROOT, env=dict(os.environ), timeout=300)


def store_hostile(db: Path, beacon_url: str) -> None:
    """Store the hostile page through the normal write path (real extraction and detection)."""
    url = resolve_db_url(str(db))
    engine = open_database(url)
    body = hostile_html(beacon_url)
    page = "http://127.0.0.1:9/hostile/t20230601_1.html"
    extracted = extract_document(body, "text/html; charset=utf-8", page)
    detection = Detector().detect(extracted.text)
    record = CaptureRecord(
        source=HOSTILE_SLUG, url=page, final_url=page, fetched_at=datetime.now(UTC),
        http_status=200, headers={"Content-Type": ["text/html; charset=utf-8"]},
        content_type="text/html; charset=utf-8", body=body, extracted=extracted,
        detection=detection)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo(HOSTILE_SLUG, "示范测试网（虚构）", "state_media", "zh",
                                          "listing"))
        store_batch(session, RawStore(data_dir_for(url)), [record], None)
    engine.dispose()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, beacon: Beacon) -> Path:
    """A crawled demo database plus the hostile page (shared, never the bundled demo site)."""
    db = tmp_path_factory.mktemp("desk") / "evidence.db"
    result = crawl_demo(db)
    assert result.returncode == 0, result.stderr
    store_hostile(db, beacon.url)
    return db


@dataclass
class Served:
    """A desk served on 127.0.0.1 for one test module."""

    url: str
    db: Path | str
    server: uvicorn.Server


@contextmanager
def serve(db: Path | str, reviewer: str = "", **options: Any) -> Iterator[Served]:
    """Run the desk app with uvicorn in a thread until the block ends (``options``: create_app's
    hosts and login)."""
    port = free_port()
    config = uvicorn.Config(create_app(str(db), reviewer, **options), host="127.0.0.1",
                            port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "desk server did not start"
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", db, server)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def copy_db(db: Path, target: Path) -> Path:
    """A private copy of a database and its raw store (tests that write must not share)."""
    copy = target / db.name
    shutil.copy2(db, copy)
    for suffix in ("-wal", "-shm"):
        if Path(str(db) + suffix).exists():
            shutil.copy2(str(db) + suffix, str(copy) + suffix)
    shutil.copytree(db.with_name(db.stem + "-data"), copy.with_name(copy.stem + "-data"))
    return copy
