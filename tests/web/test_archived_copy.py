"""The desk's archived copy over plain HTTP: a banner page stating what the copy is (capture
time, URL, SHA-256, screenshot, timestamp status) frames the stored bytes, which keep their
sandbox headers; the document page links the banner page."""

from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():  # Starlette suggests httpx2; httpx is what we pin
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from sqlalchemy import text

from db.engine import open_database, session_scope
from db.models import Version
from tests.wacz_store import PAGES, build
from web.app import create_app
from web.security import ARCHIVE_POLICY

BASE = "http://127.0.0.1:8750"


@pytest.fixture()
def desk(tmp_path: Path) -> tuple[TestClient, dict[str, int]]:
    db = build(tmp_path)
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        versions = {v.document.url: v.id for v in session.query(Version)}
    engine.dispose()
    return TestClient(create_app(str(db), "Analyst B"), base_url=BASE), versions


def banner(page: str) -> str:
    found = re.search(r'<div class="archive-banner"[^>]*>(.*?)</div>', page, re.S)
    assert found, page
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_banner_states_what_the_copy_is(desk: tuple[TestClient, dict[str, int]]) -> None:
    client, versions = desk
    page = PAGES[0]
    version = versions[page.url]
    answer = client.get(f"/copy/{version}")
    assert answer.status_code == 200
    digest = hashlib.sha256(page.body).hexdigest()
    assert banner(answer.text).startswith(
        f"Archived copy — captured 2024-03-01 08:00:05 UTC from {page.url}, SHA-256 {digest}, "
        "no screenshot, not timestamped")
    frame = re.search(r"<iframe [^>]*>", answer.text)
    assert frame and f'src="/archive/{version}"' in frame.group(0)
    assert 'sandbox=""' in frame.group(0)
    assert "frame-src 'self'" in answer.headers["content-security-policy"]
    assert answer.text.index("archive-banner") < answer.text.index("<iframe")


def test_framed_copy_keeps_its_sandbox(desk: tuple[TestClient, dict[str, int]]) -> None:
    client, versions = desk
    page = PAGES[0]
    raw = client.get(f"/archive/{versions[page.url]}")
    assert raw.status_code == 200 and raw.content == page.body
    assert raw.headers["content-security-policy"] == ARCHIVE_POLICY
    assert raw.headers["cache-control"] == "no-store"
    assert "sandbox" in raw.headers["content-security-policy"]


def test_document_links_the_banner_page(desk: tuple[TestClient, dict[str, int]]) -> None:
    client, versions = desk
    version = versions[PAGES[1].url]
    document = client.get(f"/doc/{_document(client, version)}")
    assert f'href="/copy/{version}"' in document.text
    assert client.get("/copy/999999").status_code == 404


def _document(client: TestClient, version: int) -> int:
    answer = client.get(f"/copy/{version}")
    found = re.search(r'href="/doc/(\d+)\?version=', answer.text)
    assert found
    return int(found.group(1))


def stamp_run(db: Path) -> None:
    """Give the pages' crawl run a manifest with a token (the table made if this schema has
    none), as `evidence timestamp` records one."""
    engine = open_database(str(db), create=False)
    with engine.begin() as conn:
        conn.execute(text(
            "CREATE TABLE IF NOT EXISTS run_manifests (id INTEGER PRIMARY KEY, run_id INTEGER, "
            "created_at TIMESTAMP, body TEXT, sha256 VARCHAR(64), entries INTEGER, token BLOB)"))
        conn.execute(text(
            "INSERT INTO run_manifests (run_id, created_at, body, sha256, entries, token) "
            "SELECT id, '2024-03-01 09:00:00', '', :digest, 0, :token FROM crawl_runs"),
            {"digest": "0" * 64, "token": b"\x30\x03\x02\x01\x00"})
    engine.dispose()


def test_banner_says_timestamped(tmp_path: Path) -> None:
    db = build(tmp_path)
    stamp_run(db)
    client = TestClient(create_app(str(db), "Analyst B"), base_url=BASE)
    answer = client.get("/copy/1")
    assert answer.status_code == 200
    assert banner(answer.text).endswith("no screenshot, timestamped · document · stored bytes only")
