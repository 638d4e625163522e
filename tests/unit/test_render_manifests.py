"""A standalone `evidence render` seals the files it wrote in a manifest of its own: timestamped
by a real local TSA (tests/tsa_server.py) when one is configured, else pending until `evidence
timestamp --pending`; verify checks it like a run's manifest and names a tampered screenshot.
The browser is replaced by a stand-in that returns fixed images (tests/web/test_render.py and
tests/e2e/test_timestamps.py render with Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.manifests import parse_manifest
from db.models import Document, RunManifest, Screenshot
from db.verify import VerifyReport, verify_screenshots, verify_stamps
from evidence.services import chromium
from evidence.services.render import Selection, render_selected
from evidence.services.timestamp import Tsa, seal_run, stamp_pending
from tests.tsa_server import LocalTsa
from tests.wacz_store import PAGES, build

PENDING = re.compile(r"render session (\d+): manifest of 3 files \(sha256 [0-9a-f]{64}\): "
                     r"not timestamped: no TSA configured \(tsa_url / EVIDENCE_TSA_URL\)")
STAMPED = re.compile(r"render session (\d+): manifest of 3 files \(sha256 [0-9a-f]{64}\): "
                     r"timestamped at .* UTC by http://127\.0\.0\.1:\d+/tsa")


def fake_render(url: str, answer: chromium.Answer, **_: object) -> chromium.Rendered:
    """What a browser would return: a PNG and a PDF of its own per page."""
    assert answer(url) is not None  # the page comes from the store
    png = b"\x89PNG\r\n\x1a\n" + url.encode() * 50
    return chromium.Rendered(png, b"%PDF-1.4 " + url.encode(), "Chrome/1", 1280, 900, [url])


@pytest.fixture()
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, dict[str, int]]:
    """Two pages with hits in a finished, sealed run (not timestamped); no TSA configured."""
    monkeypatch.setattr(chromium, "chromium_path", lambda: Path("/usr/bin/chromium"))
    monkeypatch.setattr(chromium, "render", fake_render)
    for name in ("EVIDENCE_TSA_URL", "EVIDENCE_TSA_CA"):
        monkeypatch.delenv(name, raising=False)
    db = build(tmp_path)
    data = data_dir_for(resolve_db_url(str(db)))
    engine = open_database(str(db), create=False)
    seal_run(engine, data, 1)
    with session_scope(engine) as session:
        docs = {d.url: d.id for d in session.scalars(select(Document))}
    engine.dispose()
    return db, data, docs


def manifests(db: Path) -> list[RunManifest]:
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        rows = list(session.scalars(select(RunManifest).order_by(RunManifest.id)))
        session.expunge_all()
    engine.dispose()
    return rows


def shots(db: Path) -> list[Screenshot]:
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        rows = list(session.scalars(select(Screenshot).order_by(Screenshot.id)))
        session.expunge_all()
    engine.dispose()
    return rows


def verified(db: Path, data: Path, tsa_ca: bytes | None = None) -> VerifyReport:
    report = VerifyReport()
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        verify_screenshots(session, data, report)
        verify_stamps(session, data, tsa_ca, report)
    engine.dispose()
    return report


def render_doc(db: Path, doc: int) -> str:
    summary = render_selected(str(db), Selection(document_id=doc, pending=False))
    assert summary.rendered == 1 and not summary.failed
    return summary.timestamp


def test_a_render_seals_its_files_then_pending_stamps_them(
        stored: tuple[Path, Path, dict[str, int]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    db, data, docs = stored
    line = render_doc(db, docs[PAGES[0].url])
    found = PENDING.fullmatch(line)
    assert found, line
    row = manifests(db)[-1]
    assert row.id == int(found.group(1)) and row.run_id is None and row.token is None
    assert row.body.startswith("# evidence-pipeline render manifest v1 (screenshots of "
                               "`evidence render` (pid ")
    shot = shots(db)[0]
    entries = {e.path: e for e in parse_manifest(row.body)[0]}
    assert set(entries) == {shot.raw_path, shot.pdf_path, shot.warc_file}
    assert str(shot.warc_file).startswith("warc/render-")
    assert entries[str(shot.raw_path)].sha256 == shot.sha256
    assert entries[str(shot.warc_file)].size == (data / str(shot.warc_file)).stat().st_size
    warned = [str(w) for w in verified(db, data).warnings]
    assert f"timestamp: render session {row.id}: not timestamped (`evidence timestamp " \
           "--pending` stamps it: no TSA configured (tsa_url / EVIDENCE_TSA_URL))" in warned

    with LocalTsa(tmp_path / "tsa") as tsa:
        monkeypatch.setenv("EVIDENCE_TSA_URL", tsa.url)
        monkeypatch.setenv("EVIDENCE_TSA_CA", str(tsa.ca))
        engine = open_database(str(db), create=False)
        lines = [o.line() for o in stamp_pending(engine, data, Tsa(tsa.url, tsa.ca))]
        engine.dispose()
        assert len(lines) == 2 and lines[0].startswith("run 1: ") and "timestamped at" in lines[0]
        assert STAMPED.fullmatch(lines[1]), lines
        line = render_doc(db, docs[PAGES[1].url])  # with a TSA: stamped at once
        assert STAMPED.fullmatch(line), line
        ca = tsa.ca.read_bytes()
    report = verified(db, data, ca)
    assert report.problems == [] and report.warnings == []
    assert report.checked["manifests"] == 3 and report.checked["timestamp tokens"] == 3
    assert report.checked["screenshots"] == 2


def test_verify_names_a_tampered_screenshot_of_a_standalone_render(
        stored: tuple[Path, Path, dict[str, int]]) -> None:
    db, data, docs = stored
    session_id = PENDING.fullmatch(render_doc(db, docs[PAGES[0].url]))
    assert session_id
    shot = shots(db)[0]
    png = data / str(shot.raw_path)
    png.chmod(0o644)
    png.write_bytes(png.read_bytes() + b"\0")
    problems = [str(p) for p in verified(db, data).problems]
    assert f"screenshot: {png}: altered or missing: sha256 is " in " ".join(problems)
    assert any(p.startswith(f"manifest: render session {session_id.group(1)}: {shot.raw_path}: "
                            "changed: ") for p in problems), problems


def test_screenshots_in_no_manifest_are_sealed_by_pending(
        stored: tuple[Path, Path, dict[str, int]], tmp_path: Path) -> None:
    """A render stopped before it sealed (its manifest missing): verify warns, --pending seals."""
    db, data, docs = stored
    render_doc(db, docs[PAGES[0].url])
    engine: Engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        session.delete(session.scalars(select(RunManifest)
                                       .where(RunManifest.run_id.is_(None))).one())
    warned = [str(w) for w in verified(db, data).warnings]
    assert "manifest: 1 screenshots: in no manifest (a render stopped before it sealed one, or " \
           "made before render manifests): `evidence timestamp --pending` seals and stamps " \
           "them" in warned
    with LocalTsa(tmp_path / "tsa") as tsa:
        lines = [o.line() for o in stamp_pending(engine, data, Tsa(tsa.url, tsa.ca))]
        ca = tsa.ca.read_bytes()
    engine.dispose()
    assert STAMPED.fullmatch(lines[-1]), lines
    assert "1 screenshots that no manifest listed, sealed " in manifests(db)[-1].body
    report = verified(db, data, ca)
    assert report.problems == [] and report.warnings == []

