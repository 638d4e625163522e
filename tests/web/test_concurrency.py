"""The desk keeps answering while a crawl writes to the same database (SQLite WAL)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from db.engine import open_database
from tests.cli import ROOT
from tests.ports import free_port
from tests.web.conftest import serve

MAX_SECONDS = 240
pytestmark = pytest.mark.slow  # a whole demo crawl


def test_ui_answers_during_a_crawl(tmp_path: Path) -> None:
    db = tmp_path / "evidence.db"
    open_database(str(db)).dispose()  # an empty database, as before a first crawl
    with serve(db, reviewer="Analyst B") as desk:
        crawl = subprocess.Popen(
            [sys.executable, "-m", "evidence.cli", "demo", "--db", str(db), "--port",
             str(free_port()), "--no-render"], cwd=ROOT, env=dict(os.environ),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        statuses: list[int] = []
        bodies: list[str] = []
        reviewed = False
        with httpx.Client(base_url=desk.url, timeout=60, follow_redirects=True) as client:
            deadline = time.monotonic() + MAX_SECONDS
            while crawl.poll() is None and time.monotonic() < deadline:
                for path in ("/?q=南疆", "/?q=勞動力轉移&kind=government", "/doc/1", "/"):
                    response = client.get(path)
                    statuses.append(response.status_code)
                    bodies.append(response.text)
                found = re.search(r'id="confirm-(\d+)"', bodies[-4])
                token = re.search(r'name="csrf" value="([^"]+)"', bodies[-4])
                if not reviewed and found and token:
                    response = client.post("/review", data={
                        "hit_id": found[1], "status": "confirmed", "next": "/",
                        "csrf": token[1]})
                    statuses.append(response.status_code)
                    reviewed = response.status_code == 200  # after the 303 redirect
            _, errors = crawl.communicate(timeout=MAX_SECONDS)
            final = client.get("/?q=南疆")
    assert crawl.returncode == 0, errors
    assert len(statuses) >= 20, "too few requests overlapped the crawl"
    assert set(statuses) <= {200, 404}, sorted(set(statuses))
    assert not [b for b in bodies if "database is locked" in b or "database is busy" in b]
    assert reviewed
    assert ">8 documents<" in final.text
