"""The desk on a database it may only read: pages are served, and recording a review says the
database is read-only (never that a crawl is writing)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.unit.test_open_database import read_only_db  # noqa: F401 - fixture
from tests.web.conftest import serve


def test_desk_reads_a_read_only_database_and_refuses_a_review_plainly(
        read_only_db: Path) -> None:  # noqa: F811 - the fixture imported above
    with serve(read_only_db, reviewer="Analyst A") as desk, \
            httpx.Client(base_url=desk.url, timeout=60, follow_redirects=True) as client:
        page = client.get("/?q=转移")
        assert page.status_code == 200
        found = re.search(r'id="confirm-(\d+)"', page.text)
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found and token, page.text[:2000]
        answer = client.post("/review", data={"hit_id": found[1], "status": "confirmed",
                                              "next": "/", "csrf": token[1]})
        document = client.get("/doc/1")
    assert answer.status_code == 403, answer.text[:2000]
    assert "The database is read-only" in answer.text and "nothing was recorded" in answer.text
    assert "busy" not in answer.text and "crawl is writing" not in answer.text
    assert document.status_code == 200
