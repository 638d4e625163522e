"""End to end: `evidence demo` crawls the bundled site over HTTP; the manifest must hold exactly."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.engine import open_database, session_scope
from db.models import Capture, CrawlRun, Document, Hit, RunManifest, Screenshot, Version
from db.queries import counts
from demo.server import DEMO_ORIGIN
from demo.tsa import openssl
from evidence.services.chromium import chromium_path
from tests.cli import evidence
from tests.demo_manifest import ALL_HITS, ERROR_PREFIX, LATER, MANIFEST
from tests.ports import free_port


@dataclass
class DemoRun:
    db: Path
    base: str
    port: int
    first: subprocess.CompletedProcess[str]
    counts_after_first: dict[str, int]
    raw_files_after_first: set[str]
    shots_after_first: list[tuple[int, str]]  # (capture id, status) of every rendering


def raw_files(db: Path) -> set[str]:
    data = db.with_name(db.stem + "-data") / "sha256"
    return {str(p.relative_to(data)) for p in data.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    db = tmp_path_factory.mktemp("demo") / "evidence.db"
    port = free_port()
    first = evidence("demo", "--db", str(db), "--port", str(port))
    assert first.returncode == 0, first.stderr
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        snapshot = counts(session)
    engine.dispose()
    yield DemoRun(db, DEMO_ORIGIN, port, first, snapshot, raw_files(db), screenshots(db))


def screenshots(db: Path) -> list[tuple[int, str]]:
    """(capture id, status) of every rendering, in order."""
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        found = [(s.capture_id, s.status) for s in
                 session.scalars(select(Screenshot).order_by(Screenshot.id))]
    engine.dispose()
    return found


def test_demo_prints_summary_and_citations(demo_run: DemoRun) -> None:
    out = demo_run.first.stdout
    assert "pages fetched" in out and "Hits by category" in out
    assert "Top 5 hits" in out and "archived copy sha256:" in out
    assert "Traceback" not in out + demo_run.first.stderr


def _by_url(demo_run: DemoRun) -> tuple[dict[str, Any], dict[str, list[Capture]]]:
    engine = open_database(str(demo_run.db), create=False)
    docs: dict[str, Any] = {}
    captures: dict[str, list[Capture]] = {}
    with session_scope(engine) as session:
        for doc in session.scalars(select(Document)):
            version = doc.versions[-1]
            hits = session.scalars(select(Hit).where(Hit.version_id == version.id)).all()
            docs[doc.url] = (version.flagged, len(hits), version)
        for cap in session.scalars(select(Capture).where(Capture.run_id == 1)):
            captures.setdefault(cap.url, []).append(cap)
    engine.dispose()
    return docs, captures


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["path"])
def test_manifest_entry(demo_run: DemoRun, entry: dict[str, Any]) -> None:
    docs, captures = _by_url(demo_run)
    url = demo_run.base + entry["path"]
    if entry["kind"] == "blocked":
        assert url not in captures, "robots.txt forbids this page"
    elif entry["kind"] == "listing":
        assert [c.error for c in captures[url]] == [None]
    elif entry["kind"] == "error":
        [capture] = captures[url]
        assert capture.error and capture.error.startswith(ERROR_PREFIX[entry["error"]])
        assert url not in docs
    else:
        flagged, hits, version = docs[url]
        assert (flagged, hits) == (entry["flagged"], entry["expected_hits"])
        assert version.script == entry["script"]


def test_every_captured_url_is_in_manifest(demo_run: DemoRun) -> None:
    _, captures = _by_url(demo_run)
    expected = {demo_run.base + e["path"] for e in MANIFEST if e["kind"] != "blocked"}
    captured = {url for url in captures if not url.endswith("/robots.txt")}
    assert captured == expected


def test_hits_trace_to_raw_files(demo_run: DemoRun) -> None:
    result = evidence("hits", "--db", str(demo_run.db), "--format", "json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == ALL_HITS
    required = {"id", "url", "title", "publisher", "published_at", "retrieved_at", "sha256",
                "sentence", "terms", "categories", "score"}
    for hit in hits:
        assert required <= hit.keys()
        raw = Path(hit["raw_file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == hit["sha256"]
        assert hit["sentence"] and hit["terms"] and hit["categories"]


def test_hit_offsets_reproduce_sentence(demo_run: DemoRun) -> None:
    engine = open_database(str(demo_run.db), create=False)
    with session_scope(engine) as session:
        rows = session.execute(select(Hit, Version).join(Version)).all()
        assert rows
        for hit, version in rows:
            assert version.text[hit.start:hit.end] == hit.sentence
    engine.dispose()


def test_traditional_hits_quote_original_script(demo_run: DemoRun) -> None:
    result = evidence("hits", "--db", str(demo_run.db), "--format", "json")
    sentences = [h["sentence"] for h in json.loads(result.stdout) if h["script"] == "hant"]
    assert sentences and any("轉移" in s or "勞動力" in s for s in sentences)


def test_gbk_notice_metadata(demo_run: DemoRun) -> None:
    docs, _ = _by_url(demo_run)
    gov = [e for e in MANIFEST if e["source"] == "demo-gov" and e["kind"] == "article"
           and "attached_to" not in e]  # the notices (their Word attachment has no 文号)
    for entry in gov:
        version = docs[demo_run.base + entry["path"]][2]
        assert version.doc_number == entry["docno"]
        assert version.title == entry["title"]
        assert "\ufffd" not in version.text and "锟" not in version.text


def _with_hits_and_manifests(db: Path) -> tuple[dict[int, str], dict[int, RunManifest]]:
    """The first capture of every version with hits (id -> URL); the manifests by run."""
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        has_hit = select(Hit.id).where(Hit.version_id == Version.id).exists()
        pages: dict[int, str] = {capture: url for capture, url in session.execute(
            select(Capture.id, Capture.url).join(
                Version, Version.first_capture_id == Capture.id).where(has_hit))}
        manifests = {m.run_id: m for m in session.scalars(select(RunManifest))}
        session.expunge_all()
    engine.dispose()
    return pages, manifests


def test_demo_renders_pages_with_hits_and_timestamps_its_runs(demo_run: DemoRun) -> None:
    out = demo_run.first.stdout
    pages, manifests = _with_hits_and_manifests(demo_run.db)
    if openssl() is None:
        assert "Timestamps: skipped: openssl is not installed" in out
    else:
        assert "Timestamps: by a demo TSA on 127.0.0.1" in out and "not a trusted one" in out
        assert re.findall(r"Timestamp: run (\d+): .* timestamped at", out) == ["1", "2"], out
        assert all(m.token for m in manifests.values()) and set(manifests) == {1, 2}
    if chromium_path() is None:
        assert out.count("Screenshots: skipped: chromium is not installed") == 2
        return
    assert len(re.findall(r"Screenshots of pages with hits: \d+ rendered", out)) == 2, out
    shots = demo_run.shots_after_first
    assert sorted(c for c, _ in shots) == sorted(pages)  # every page with hits, once
    failed = [pages[c] for c, status in shots if status != "ok"]
    assert all(url.endswith(".docx") for url in failed)  # a download is no page to show
    assert f"  failed: {failed[0]}: navigation failed" in out
    engine = open_database(str(demo_run.db), create=False)
    with session_scope(engine) as session:
        ok = list(session.scalars(select(Screenshot).where(Screenshot.status == "ok")))
        listed = "".join(m.body for m in manifests.values())
        assert ok and all(f"  {s.raw_path}\n" in listed and f"  {s.warc_file}\n" in listed
                          for s in ok)  # rendered before the runs were sealed
        warc_of = {c.id: c.warc_file for c in session.scalars(select(Capture))}
        assert all(s.warc_file == warc_of[s.capture_id] for s in ok)  # in the run's own WARC
    engine.dispose()
    verify = evidence("verify", "--db", str(demo_run.db), env={"EVIDENCE_TSA_CA": ""})
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"{len(ok)} screenshots" in verify.stdout
    if openssl() is not None:
        assert "2 timestamp tokens" in verify.stdout
        assert "tokens of `evidence demo`'s local TSA checked against its CA" in verify.stdout


def test_tampered_screenshot_is_named_by_verify_and_the_manifest(demo_run: DemoRun,
                                                                  tmp_path: Path) -> None:
    if chromium_path() is None:
        pytest.skip("chromium is not installed: the demo took no screenshots")
    db = tmp_path / "copy.db"
    db.write_bytes(demo_run.db.read_bytes())
    data = tmp_path / "copy-data"
    shutil.copytree(demo_run.db.with_name(demo_run.db.stem + "-data"), data)
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        shot = session.scalars(select(Screenshot).where(Screenshot.status == "ok")
                               .order_by(Screenshot.id)).first()
        assert shot is not None and shot.raw_path
        run_id = session.get(Capture, shot.capture_id).run_id
        raw_path = str(shot.raw_path)
    engine.dispose()
    png = data / raw_path
    png.write_bytes(png.read_bytes() + b"\0")
    verify = evidence("verify", "--db", str(db), env={"EVIDENCE_TSA_CA": ""})
    assert verify.returncode == 1, verify.stdout
    assert f"screenshot: {png}: altered or missing" in verify.stdout
    # the demo renders before it seals a run: its timestamped manifest names the PNG too
    assert f"MISMATCH manifest: run {run_id}: {raw_path}: changed" in verify.stdout


def test_demo_ca_vouches_only_for_demo_runs(demo_run: DemoRun, tmp_path: Path) -> None:
    if openssl() is None:
        pytest.skip("openssl is not installed: the demo's runs are not timestamped")
    db = tmp_path / "copy.db"  # a deployment's database whose run claims the demo TSA's token
    db.write_bytes(demo_run.db.read_bytes())
    shutil.copytree(demo_run.db.with_name(demo_run.db.stem + "-data"), tmp_path / "copy-data")
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        session.get(CrawlRun, 1).sources = '["xinhua"]'
    engine.dispose()
    verify = evidence("verify", "--db", str(db), env={"EVIDENCE_TSA_CA": ""})
    assert verify.returncode != 0, verify.stdout
    assert "run 1: its token cannot be checked: no TSA certificates configured" in \
        verify.stdout + verify.stderr


def test_second_demo_on_another_port_adds_nothing(demo_run: DemoRun) -> None:
    # the first run's port is still taken (as by TIME_WAIT): the site comes up on another one
    with socket.socket() as taken:
        with contextlib.suppress(OSError):  # else still in TIME_WAIT since the first run
            taken.bind(("127.0.0.1", demo_run.port))
        other = free_port()
        again = evidence("demo", "--db", str(demo_run.db), "--port", str(other))
    assert again.returncode == 0, again.stderr
    assert other != demo_run.port and f"served on http://127.0.0.1:{other}" in again.stdout
    engine = open_database(str(demo_run.db), create=False)
    with session_scope(engine) as session:
        after = counts(session)
    engine.dispose()
    before = demo_run.counts_after_first
    assert {k: after[k] for k in ("documents", "versions", "hits")} == \
        {k: before[k] for k in ("documents", "versions", "hits")}
    # incremental: listings and failed pages are fetched again, stored articles are not
    assert before["captures"] < after["captures"] < 2 * before["captures"]
    runs = re.findall(r"Run \d+: \d+ pages fetched, (\d+) new documents", again.stdout)
    assert runs == ["0", "0"], again.stdout  # the site as first published, then a day later
    listed = sum(e["kind"] == "article" and "attached_to" not in e for e in MANIFEST)
    assert f"Seen again: {listed} already stored (seen again on their listings, not fetched), " \
           "0 re-checked unchanged, 0 changed (a new version), 0 removed" in again.stdout
    assert "re-checked unchanged, 0 changed (a new version), 0 removed" in \
        again.stdout.split("A day later")[1]
    assert raw_files(demo_run.db) == demo_run.raw_files_after_first
    assert screenshots(demo_run.db) == demo_run.shots_after_first  # no second rendering
    if chromium_path() is not None:
        assert again.stdout.count("Screenshots: none pending") == 2, again.stdout
    if openssl() is not None:  # the demo CA is reused: the first runs' tokens still verify
        assert re.findall(r"Timestamp: run (\d+): .* timestamped at", again.stdout) == \
            ["3", "4"]
        verify = evidence("verify", "--db", str(demo_run.db), env={"EVIDENCE_TSA_CA": ""})
        assert verify.returncode == 0 and "4 timestamp tokens" in verify.stdout, verify.stdout


def test_show_and_export(demo_run: DemoRun, tmp_path: Path) -> None:
    shown = evidence("show", "1", "--db", str(demo_run.db))
    assert shown.returncode == 0 and "Citation:" in shown.stdout
    out = tmp_path / "hits.jsonl"
    exported = evidence("export", "--format", "jsonl", "-o", str(out), "--db", str(demo_run.db))
    assert exported.returncode == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == ALL_HITS
    assert json.loads(lines[0])["sha256"]


def test_a_day_later_one_page_has_a_new_version_and_one_was_removed(demo_run: DemoRun) -> None:
    out = demo_run.first.stdout.split("A day later")[1]
    assert re.search(r"Run 2: \d+ pages fetched, 0 new documents", out), out
    assert "1 changed (a new version), 1 removed" in out
    edited, removed = (demo_run.base + LATER[c]["path"] for c in ("edited", "removed"))
    history = evidence("history", edited, "--db", str(demo_run.db))
    old, new = LATER["edited"]["later"]["replaced"]
    diff = history.stdout.split("Versions (2):")[1]
    assert any(line.startswith("-") and old in line for line in diff.splitlines())
    assert any(line.startswith("+") and new in line for line in diff.splitlines())
    gone = evidence("history", removed, "--db", str(demo_run.db))
    assert "status removed since" in gone.stdout and "live → removed (http_404)" in gone.stdout
    report = evidence("report", "--run", "2", "--db", str(demo_run.db)).stdout
    changed = report.split("## Pages with hits that changed")[1]
    assert edited in changed.split("## Pages with hits that were removed")[0]
    assert removed in changed.split("## Pages with hits that were removed")[1]


def test_demo_names_companies_reposts_and_attachments(demo_run: DemoRun) -> None:
    found = evidence("hits", "--company", "天河铝业", "--format", "json", "--db", str(demo_run.db))
    hits = json.loads(found.stdout)
    assert hits and all("天河铝业有限公司" in h["companies"] for h in hits)
    report = evidence("report", "--run", "1", "--db", str(demo_run.db)).stdout
    by_company = report.split("### By company")[1].split("### By category")[0]
    for name in ("天河铝业有限公司", "西域新材料科技有限公司", "昆仑碳素有限责任公司"):
        assert f"- **{name}** (" in by_company
    [repost] = [e for e in MANIFEST if "repost_of" in e]
    copy = next(h for h in json.loads(evidence("hits", "--format", "json", "--db",
                                               str(demo_run.db)).stdout)
                if h["url"] == demo_run.base + repost["path"])
    cited = evidence("cite", str(copy["id"]), "--db", str(demo_run.db)).stdout
    assert "Earliest known copy: 天山示范新闻网（演示）" in cited
    assert demo_run.base + repost["repost_of"] in cited
    [attachment] = [e for e in MANIFEST if "attached_to" in e]
    docs, captures = _by_url(demo_run)
    [capture] = captures[demo_run.base + attachment["path"]]
    assert capture.content_type == attachment["content_type"] and capture.kind == "article"
    assert docs[demo_run.base + attachment["path"]][:2] == (True, attachment["expected_hits"])
