"""The desk's archived copy over plain HTTP: a banner page stating what the copy is (capture
time, URL, SHA-256, screenshot, timestamp status) frames the stored bytes, which keep their
sandbox headers; the document page links the banner page. "timestamped" only when the capture
is listed in a manifest whose token (a real one, from the local TSA of tests/tsa_server.py)
covers that manifest and verifies against the configured TSA certificates."""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():  # Starlette suggests httpx2; httpx is what we pin
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from sqlalchemy import text

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.models import Version
from evidence.services.timestamp import seal_run
from tests.tsa_server import LocalTsa
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


def stamp_run(db: Path, tsa: LocalTsa, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seal the pages' crawl run and timestamp its manifest with the local TSA, as a crawl does;
    the TSA's URL is unset again (the desk only reads tokens)."""
    monkeypatch.setenv("EVIDENCE_TSA_URL", tsa.url)
    monkeypatch.setenv("EVIDENCE_TSA_CA", str(tsa.ca))
    engine = open_database(str(db), create=False)
    line = seal_run(engine, data_dir_for(resolve_db_url(str(db))), 1).line()
    engine.dispose()
    assert "timestamped at" in line, line
    monkeypatch.delenv("EVIDENCE_TSA_URL")
    monkeypatch.delenv("EVIDENCE_TSA_CA")


def sql(db: Path, statement: str, **params: object) -> None:
    engine = open_database(str(db), create=False)
    with engine.begin() as conn:
        conn.execute(text(statement), params)
    engine.dispose()


def status(client: TestClient, version: int = 1) -> str:
    """The banner's timestamp status, word for word."""
    answer = client.get(f"/copy/{version}")
    assert answer.status_code == 200
    found = re.search(r'<span id="banner-timestamp">([^<]*)</span>', answer.text)
    assert found, answer.text
    return found.group(1)


@pytest.fixture()
def stamped(tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Path, LocalTsa]]:
    db = build(tmp_path)
    with LocalTsa(tmp_path / "tsa") as tsa:
        stamp_run(db, tsa, monkeypatch)
        yield TestClient(create_app(str(db), "Analyst B"), base_url=BASE), db, tsa


def test_banner_says_timestamped_only_when_the_token_checks_out(
        stamped: tuple[TestClient, Path, LocalTsa], monkeypatch: pytest.MonkeyPatch) -> None:
    client, _, tsa = stamped
    monkeypatch.setenv("EVIDENCE_TSA_CA", str(tsa.ca))
    assert status(client) == "timestamped"
    answer = client.get("/copy/1")
    assert banner(answer.text).endswith("no screenshot, timestamped · document · "
                                        "stored bytes only")
    monkeypatch.delenv("EVIDENCE_TSA_CA")  # nothing to check its signature against
    assert status(client) == "timestamp token present, not checked (no TSA certificates " \
                             "configured)"


def test_banner_names_a_token_that_fails(stamped: tuple[TestClient, Path, LocalTsa],
                                         tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    client, db, tsa = stamped
    fails = "timestamp token fails its check (see `evidence verify`)"
    with LocalTsa(tmp_path / "other", "Other") as other:  # another authority's certificates
        monkeypatch.setenv("EVIDENCE_TSA_CA", str(other.ca))
        assert status(client) == fails
    monkeypatch.setenv("EVIDENCE_TSA_CA", str(tsa.ca))
    sql(db, "UPDATE run_manifests SET body = body || 'x'")  # the manifest edited after
    assert status(client) == fails
    sql(db, "UPDATE run_manifests SET body = substr(body, 1, length(body) - 1), token = :token",
        token=b"\x30\x03\x02\x01\x00")
    assert status(client) == fails  # not a token at all


def test_banner_says_not_timestamped_without_a_token_that_lists_the_copy(
        tmp_path: Path) -> None:
    db = build(tmp_path)
    client = TestClient(create_app(str(db), "Analyst B"), base_url=BASE)
    engine = open_database(str(db), create=False)
    seal_run(engine, data_dir_for(resolve_db_url(str(db))), 1)  # sealed, no TSA: no token
    engine.dispose()
    assert status(client) == "not timestamped"
    sql(db, "INSERT INTO run_manifests (created_at, body, sha256, entries, token) VALUES "
        "('2024-03-01 09:00:00', '', :digest, 0, :token)", digest="0" * 64,
        token=b"\x30\x03\x02\x01\x00")  # a token of a manifest that lists nothing
    assert status(client) == "not timestamped"
