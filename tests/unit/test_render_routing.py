"""Where a rendering's WARC records go: inside a crawl run (``crawl --render``, before the run is
sealed) into the WARC file of the run's own capture, appended after its last record; pages of
older, sealed runs and run files that do not end cleanly into a WARC file named after the run;
a standalone render into one of its own. The browser is a stand-in (tests/unit/
test_render_manifests.py); the demo's e2e test renders with Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.manifests import parse_manifest
from db.models import Capture, RunManifest, Screenshot
from db.store import start_run
from db.verify import VerifyReport, verify_screenshots, verify_stamps, verify_warcs
from db.warc_read import scan_file
from evidence.services import chromium
from evidence.services.render import render_pending
from evidence.services.timestamp import seal_run
from tests.unit.test_render_manifests import fake_render
from tests.wacz_store import build


@pytest.fixture()
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two pages with hits captured by run 1 into its WARC file; run 1 not yet sealed."""
    monkeypatch.setattr(chromium, "chromium_path", lambda: Path("/usr/bin/chromium"))
    monkeypatch.setattr(chromium, "render", fake_render)
    for name in ("EVIDENCE_TSA_URL", "EVIDENCE_TSA_CA"):
        monkeypatch.delenv(name, raising=False)
    db = build(tmp_path)
    return db, data_dir_for(resolve_db_url(str(db)))


def render_and_seal(db: Path, data: Path, run_id: int) -> tuple[list[str], list[Screenshot],
                                                                dict[int, str]]:
    """Render what is pending as run ``run_id`` does before it seals; its manifest's paths,
    the screenshots, and each capture's WARC file."""
    engine = open_database(str(db), create=False)
    lines, files = render_pending(engine, data, run_id)
    assert lines[0].startswith("Screenshots of pages with hits: 2 rendered, 0 failed"), lines
    seal_run(engine, data, run_id, files)
    with session_scope(engine) as session:
        body = session.scalars(select(RunManifest.body)
                               .where(RunManifest.run_id == run_id)).one()
        shots = list(session.scalars(select(Screenshot).order_by(Screenshot.id)))
        warcs = {c.id: str(c.warc_file) for c in session.scalars(select(Capture))}
        session.expunge_all()
    engine.dispose()
    return [e.path for e in parse_manifest(body)[0]], shots, warcs


def verified(db: Path, data: Path) -> VerifyReport:
    report = VerifyReport()
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        verify_warcs(session, data, report)
        verify_screenshots(session, data, report)
        verify_stamps(session, data, None, report)
    engine.dispose()
    return report


def test_a_run_renders_into_its_own_warc_file(stored: tuple[Path, Path]) -> None:
    db, data = stored
    listed, shots, warcs = render_and_seal(db, data, 1)
    run_warc = warcs[shots[0].capture_id]
    assert [s.warc_file for s in shots] == [run_warc, run_warc]
    assert not list((data / "warc").glob("render-*")) and \
        not list((data / "warc").glob("*-screenshots*"))
    kinds = [r.rec_type for r in scan_file(data / run_warc).records]
    assert kinds == ["warcinfo", "response", "request", "response", "request",
                     "resource", "resource", "metadata", "resource", "resource", "metadata"]
    assert run_warc in listed and {s.raw_path for s in shots} <= set(listed)
    report = verified(db, data)
    assert report.problems == []
    assert report.checked["screenshots"] == 2 and report.checked["WARC files"] == 1


def test_pages_of_a_sealed_run_go_to_a_file_named_after_the_rendering_run(
        stored: tuple[Path, Path]) -> None:
    db, data = stored
    engine = open_database(str(db), create=False)
    seal_run(engine, data, 1)  # run 1 is sealed: its files are not changed after it
    with session_scope(engine) as session:
        run = start_run(session, ["demo"])
    engine.dispose()
    sizes = {p.name: p.stat().st_size for p in (data / "warc").iterdir()}
    listed, shots, _ = render_and_seal(db, data, run)
    assert {p.name: p.stat().st_size for p in (data / "warc").iterdir()
            if p.name in sizes} == sizes
    assert {s.warc_file for s in shots} == {f"warc/run-{run:05d}-screenshots.warc.gz"}
    assert {f"warc/run-{run:05d}-screenshots.warc.gz", *(s.raw_path for s in shots)} \
        <= set(listed)  # the rendering run's manifest lists what it wrote for older runs
    assert verified(db, data).problems == []


def test_a_run_file_that_does_not_end_cleanly_is_not_appended_to(
        stored: tuple[Path, Path]) -> None:
    db, data = stored
    [run_warc] = list((data / "warc").iterdir())
    with run_warc.open("ab") as handle:
        handle.write(b"\x1f\x8b\x08\x00 torn")  # a record cut off (a writer killed mid-write)
    size = run_warc.stat().st_size
    _, shots, _ = render_and_seal(db, data, 1)
    assert run_warc.stat().st_size == size
    assert {s.warc_file for s in shots} == {"warc/run-00001-screenshots.warc.gz"}
