"""evidence render in a real headless Chromium: the demo's pages with hits rendered from their
stored bytes, a hostile page that reaches for the network gets nothing, a page that never
finishes loading is recorded as failed without holding up the others."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from db import ledger
from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.models import Capture, Hit, Screenshot, Version
from db.rawstore import RawStore
from db.store import CaptureRecord, SourceInfo, ensure_source, store_batch
from evidence.cli import main
from evidence.services import chromium
from evidence.services.chromium import chromium_path
from pipelines.text.detect import Detector
from pipelines.text.extract import extract_document
from tests.web.conftest import Beacon, copy_db, serve

pytestmark = pytest.mark.browser
if chromium_path() is None:
    pytest.skip("Debian chromium not installed (.ci/run installs it)", allow_module_level=True)

TEXT = ("<p>今年以来，示范县有组织转移南疆四地州农村富余劳动力1200人，赴示范工厂集中培训后上岗。"
        "</p><p>示范县劳动力转移就业工作领导小组要求各乡镇落实目标责任状，确保完成转移就业目标任务。</p>")
HOSTILE_URL = "http://hostile.evidence.test/render/canary.html"
HANG_URL = "http://hostile.evidence.test/render/hang.html"
SHOTS = Path(__file__).resolve().parent / "screenshots"  # git-ignored, as test_browser's


@dataclass
class Canary:
    """A 127.0.0.1 server that records every request: any request means the page escaped."""

    url: str
    hits: list[str]


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Canary(f"http://127.0.0.1:{server.server_address[1]}", hits)
    server.shutdown()


def hostile_page(canary: str) -> bytes:
    """A page with hits that tries every way out: fetch, XHR, img, script, iframe, WebSocket,
    sendBeacon, another host."""
    ws = canary.replace("http://", "ws://")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>示范测试</title>
<link rel="stylesheet" href="{canary}/style.css"><script src="{canary}/remote.js"></script>
</head><body><h1>示范测试</h1>{TEXT}
<img src="{canary}/pixel.png"><img src="http://other.example.org/pixel.png">
<iframe src="{canary}/frame.html"></iframe>
<script>
fetch("{canary}/fetch").catch(() => {{}});
fetch("http://other.example.org/fetch").catch(() => {{}});
const x = new XMLHttpRequest(); x.open("GET", "{canary}/xhr"); x.send();
try {{ new WebSocket("{ws}/ws"); }} catch (e) {{}}
navigator.sendBeacon("{canary}/beacon", "x");
document.body.insertAdjacentHTML("beforeend", "<p id=ran>script ran</p>");
</script></body></html>""".encode()


HANG = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>示范测试</title></head>
<body>{TEXT}<script>while (true) {{}}</script></body></html>""".encode()


def store_pages(db: Path, pages: dict[str, bytes]) -> None:
    """Store pages through the normal write path (real extraction and detection)."""
    url = resolve_db_url(str(db))
    engine = open_database(url)
    records = []
    for page, body in pages.items():
        extracted = extract_document(body, "text/html; charset=utf-8", page)
        records.append(CaptureRecord(
            source="render-test", url=page, final_url=page, fetched_at=datetime.now(UTC),
            http_status=200, headers={"Content-Type": ["text/html; charset=utf-8"]},
            content_type="text/html; charset=utf-8", body=body, extracted=extracted,
            detection=Detector().detect(extracted.text)))
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("render-test", "示范测试网（虚构）", "state_media", "zh",
                                          "listing"))
        store_batch(session, RawStore(data_dir_for(url)), records, None)
    engine.dispose()


@pytest.fixture(scope="module")
def rendered(demo_db: Path, canary: Canary, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[Path, int]:
    db = copy_db(demo_db, tmp_path_factory.mktemp("render"))
    store_pages(db, {HOSTILE_URL: hostile_page(canary.url), HANG_URL: HANG})
    status = main(["render", "--db", str(db), "--pending", "--timeout", "20"])
    return db, status


def rows(db: Path) -> tuple[list[Screenshot], dict[int, Capture], set[int]]:
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        shots = list(session.scalars(select(Screenshot).order_by(Screenshot.id)))
        captures = {c.id: c for c in session.scalars(select(Capture))}
        with_hits = set(session.scalars(select(Version.first_capture_id).where(
            select(Hit.id).where(Hit.version_id == Version.id).exists())))
    engine.dispose()
    return shots, captures, {c for c in with_hits if c is not None}


def test_every_page_with_hits_is_rendered(rendered: tuple[Path, int]) -> None:
    db, status = rendered
    shots, captures, with_hits = rows(db)
    assert status == 1  # some pages failed (and say why)
    assert {s.capture_id for s in shots} == with_hits
    ok = [s for s in shots if s.status == "ok"]
    assert len(ok) >= 20
    assert sum(1 for s in ok if captures[s.capture_id].warc_record_id) >= 20
    data = data_dir_for(resolve_db_url(str(db)))
    for shot in ok:
        png = (data / str(shot.raw_path)).read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert hashlib.sha256(png).hexdigest() == shot.sha256 and len(png) == shot.size
        pdf = (data / str(shot.pdf_path)).read_bytes()
        assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == shot.pdf_sha256
        assert shot.browser.startswith(("Chrome/", "HeadlessChrome/"))
        assert shot.width and shot.height and shot.rendered_at is not None
        capture = captures[shot.capture_id]
        assert capture.url in json.loads(shot.served) or capture.final_url in shot.served
        assert shot.warc_file and shot.warc_record_id


def test_the_warc_resource_refers_to_the_response(rendered: tuple[Path, int]) -> None:
    db, _ = rendered
    shots, captures, _ = rows(db)
    data = data_dir_for(resolve_db_url(str(db)))
    for shot in (s for s in shots if s.status == "ok"):
        with open(data / str(shot.warc_file), "rb") as stream:
            stream.seek(int(shot.warc_offset or 0))
            record = next(iter(ArchiveIterator(stream)))
            headers = record.rec_headers
            assert record.rec_type == "resource"
            assert headers.get_header("WARC-Record-ID") == shot.warc_record_id
            # the demo's captures have response records; pages stored by tests have none
            assert headers.get_header("WARC-Refers-To") == \
                captures[shot.capture_id].warc_record_id
            capture = captures[shot.capture_id]
            assert headers.get_header("WARC-Refers-To-Target-URI") in (capture.url,
                                                                       capture.final_url)
            assert hashlib.sha256(record.content_stream().read()).hexdigest() == shot.sha256


def test_a_hostile_page_reaches_nothing(rendered: tuple[Path, int], canary: Canary,
                                        beacon: Beacon) -> None:
    db, _ = rendered
    shots, captures, _ = rows(db)
    shot = next(s for s in shots if captures[s.capture_id].url == HOSTILE_URL)
    assert shot.status == "ok", shot.error
    assert canary.hits == []  # not one request reached the canary server
    assert beacon.hits == []  # nor the desk tests' hostile page's beacon
    blocked = set(json.loads(shot.blocked))
    assert {f"{canary.url}/fetch", f"{canary.url}/pixel.png", f"{canary.url}/remote.js",
            "http://other.example.org/pixel.png", "http://other.example.org/fetch"} <= blocked
    assert json.loads(shot.served) == [HOSTILE_URL]


def test_failures_are_recorded_with_a_reason(rendered: tuple[Path, int]) -> None:
    db, _ = rendered
    shots, captures, _ = rows(db)
    failed = {captures[s.capture_id].url: s for s in shots if s.status == "failed"}
    assert failed[HANG_URL].error == "timeout"
    assert failed[HANG_URL].sha256 is None and failed[HANG_URL].warc_record_id is None
    assert 19_000 <= failed[HANG_URL].duration_ms < 40_000
    docx = [u for u in failed if u.endswith(".docx")]
    assert docx and failed[docx[0]].error  # a download is no page to show
    assert set(failed) == {HANG_URL, *docx}


def test_rows_are_in_the_hash_log_and_pending_is_done(rendered: tuple[Path, int]) -> None:
    db, _ = rendered
    engine = open_database(str(db), create=False)
    found: list[ledger.LogProblem] = []
    with engine.connect() as conn:
        checked = ledger.check_rows(conn, "screenshots", found)
        ledger.check_chain(conn, found)
    engine.dispose()
    assert checked > 20 and found == []
    assert main(["render", "--db", str(db), "--pending"]) == 0  # nothing left to render


def test_pack_and_citation_carry_the_screenshot(rendered: tuple[Path, int], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = rendered
    shots, captures, _ = rows(db)
    shot = next(s for s in shots if s.status == "ok" and captures[s.capture_id].warc_record_id)
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        hit_id = session.scalar(select(Hit.id).where(Hit.version_id == shot.version_id))
    engine.dispose()
    capsys.readouterr()
    assert main(["cite", str(hit_id), "--db", str(db)]) == 0
    assert f"screenshot sha256:{shot.sha256} (screenshots/{shot.sha256}.png" in \
        capsys.readouterr().out
    target = tmp_path / "pack.zip"
    assert main(["pack", "--db", str(db), "-o", str(target)]) == 0
    with zipfile.ZipFile(target) as pack:
        names = set(pack.namelist())
        pngs = [n for n in names if n.startswith("screenshots/") and n.endswith(".png")]
        assert pngs and "screenshots.csv" in names
        for name in pngs:
            assert hashlib.sha256(pack.read(name)).hexdigest() == name[12:-4]
        manifest = pack.read("MANIFEST.sha256").decode()
        assert all(f"  {name}\n" in manifest for name in pngs)
        warc = pack.read("warc/evidence.warc.gz")
    kinds = [r.rec_type for r in ArchiveIterator(io.BytesIO(warc))]
    assert kinds.count("resource") >= len(pngs)


def desk_answer(base: str, url: str) -> tuple[int, dict[str, str], bytes] | None:
    """The desk's own answer to a browser's request for one of its pages, else None."""
    if not url.startswith(base + "/"):
        return None
    try:
        with urllib.request.urlopen(url) as answer:
            return answer.status, {"Content-Type": answer.headers["Content-Type"]}, answer.read()
    except urllib.error.HTTPError as exc:  # the favicon: 404
        return exc.code, {}, exc.read()


def test_the_desk_shows_the_screenshot(rendered: tuple[Path, int]) -> None:
    db, _ = rendered
    shots, captures, _ = rows(db)
    shot = next(s for s in shots if s.status == "ok" and captures[s.capture_id].warc_record_id)
    with serve(db) as desk:
        page = urllib.request.urlopen(f"{desk.url}/doc/{shot.document_id}?version="
                                      f"{shot.version_id}").read().decode()
        assert 'id="screenshot"' in page and f'src="/shot/{shot.version_id}.png"' in page
        assert shot.sha256 is not None and shot.sha256 in page
        with urllib.request.urlopen(f"{desk.url}/shot/{shot.version_id}.png") as answer:
            assert answer.headers["Content-Type"] == "image/png"
            assert hashlib.sha256(answer.read()).hexdigest() == shot.sha256
        with urllib.request.urlopen(f"{desk.url}/shot/{shot.version_id}.pdf") as answer:
            assert answer.read().startswith(b"%PDF")
        banner = urllib.request.urlopen(f"{desk.url}/copy/{shot.version_id}").read().decode()
        assert f'id="banner-screenshot" href="/shot/{shot.version_id}.png"' in banner
        seen = chromium.render(f"{desk.url}/doc/{shot.document_id}?version={shot.version_id}",
                               lambda url: desk_answer(desk.url, url), pdf=False)
        assert f"{desk.url}/shot/{shot.version_id}.png" in seen.served  # the browser showed it
        SHOTS.mkdir(exist_ok=True)
        (SHOTS / "render-document-page.png").write_bytes(seen.png)  # for a person to look at
        failed = next(s for s in shots if s.status == "failed")
        try:
            urllib.request.urlopen(f"{desk.url}/shot/{failed.version_id}.png")
            raise AssertionError("a failed rendering has no screenshot to serve")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404


def test_verify_checks_the_screenshots(rendered: tuple[Path, int], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = rendered
    capsys.readouterr()
    assert main(["verify", "--db", str(db)]) == 0, capsys.readouterr().out
    assert "screenshots" in capsys.readouterr().out
    copy = copy_db(db, tmp_path)
    shots, _, _ = rows(copy)
    shot = next(s for s in shots if s.status == "ok")
    png = data_dir_for(resolve_db_url(str(copy))) / str(shot.raw_path)
    png.write_bytes(png.read_bytes() + b"\0")
    assert main(["verify", "--db", str(copy)]) == 1
    out = capsys.readouterr().out
    assert f"screenshot: {png}: altered or missing" in out
    # rendered after the run was sealed (`render --pending`): the render's own manifest names it
    assert re.search(rf"MISMATCH manifest: render session \d+: {shot.raw_path}: changed", out), out


def test_retry_failed_renders_what_only_failed(rendered: tuple[Path, int], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = rendered
    copy = copy_db(db, tmp_path)
    page = "http://hostile.evidence.test/render/retry.html"
    store_pages(copy, {page: f"<html><body><h1>示范测试</h1>{TEXT}</body></html>".encode()})
    engine = open_database(str(copy), create=False)
    with session_scope(engine) as session:
        doc = str(session.scalar(select(Capture.document_id).where(Capture.url == page)))
    engine.dispose()
    assert main(["render", "--db", str(copy), "--doc", doc, "--timeout", "0.01"]) == 1
    assert main(["render", "--db", str(copy), "--pending"]) == 0  # --pending: not retried
    capsys.readouterr()
    assert main(["render", "--db", str(copy), "--retry-failed", "--doc", doc]) == 0
    assert capsys.readouterr().out.startswith("ok  ")
    assert main(["render", "--db", str(copy), "--retry-failed", "--doc", doc]) == 0
    assert capsys.readouterr().out.startswith("0 rendered, 0 failed")
    shots, captures, _ = rows(copy)
    mine = [s.status for s in shots if captures[s.capture_id].url == page]
    assert mine == ["failed", "ok"]


def test_each_browser_has_a_scratch_folder_removed_after(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         request: pytest.FixtureRequest) -> None:
    """Profile and TMPDIR (Chromium's org.chromium.Chromium.* singleton folder, left behind by
    a killed browser) are one folder per browser, removed after it, also after a timeout."""
    root = Path(tempfile.mkdtemp(prefix="t", dir="/tmp"))  # short: a socket path goes in it
    request.addfinalizer(lambda: shutil.rmtree(root, ignore_errors=True))
    monkeypatch.setenv("TMPDIR", str(root))
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    launched: list[str] = []
    launch = chromium._launch

    def spy(binary: Path, scratch: str) -> Any:
        launched.append(scratch)
        return launch(binary, scratch)

    monkeypatch.setattr(chromium, "_launch", spy)
    page = "http://scratch.evidence.test/"
    shot = chromium.render(page, lambda url: (200, {"Content-Type": "text/html"},
                                              TEXT.encode()) if url == page else None, pdf=False)
    assert shot.png.startswith(b"\x89PNG")
    with pytest.raises(chromium.RenderError, match="timeout"):
        chromium.render(page, lambda url: (200, {"Content-Type": "text/html"}, HANG)
                        if url == page else None, timeout=3)
    assert len(set(launched)) == 2 and all(Path(s).parent == root for s in launched)
    assert list(root.iterdir()) == []  # no profile, no org.chromium.Chromium.* left behind
    long = tmp_path / ("x" * 60)
    long.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    scratch = chromium._scratch()  # too long for the browser's socket: made in /tmp instead
    assert scratch.startswith("/tmp/evidence-render-") and list(long.iterdir()) == []
    os.rmdir(scratch)
