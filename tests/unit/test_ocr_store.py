"""A scanned PDF through the crawl's stages into the database: the OCR text is stored with its
record, its hits say they were read by OCR (JSON hits, `evidence show`, the desk's document
page); without Tesseract the capture is kept with its reason; verify knows OCR is machine-bound."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.items import CaptureItem
from db.documents import document_detail
from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.hits import find_hits
from db.models import Capture, Version
from db.rawstore import RawStore
from db.store import CaptureRecord, SourceInfo, ensure_source, start_run, store_batch
from db.verify import ocr_unrepeatable
from evidence.cli import main
from pipelines.stages import ProcessStage
from pipelines.text import ocr
from pipelines.text.process import shared_detector
from pipelines.text.types import OcrRecord
from tests.unit.test_pdf_ocr import SCANNED, needs_tesseract

URL = "http://127.0.0.1:9/files/notice.pdf"


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    url = resolve_db_url(str(tmp_path / "e.db"))
    engine = open_database(url)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("demo-gov", "沙泉县人民政府（虚构）", "government", "zh",
                                          "listing"))
    engine.dispose()
    return url


def crawl_scanned(url: str) -> CaptureItem:
    """Run the scanned notice through the extract stage and detection, then store it."""
    item = CaptureItem(source="demo-gov", url=URL, final_url=URL, http_status=200,
                       headers={"Content-Type": ["application/pdf"]},
                       content_type="application/pdf", body=SCANNED.read_bytes(),
                       fetched_at=datetime.now(UTC))
    item = ProcessStage().process_item(item)
    detection = None
    if item.extracted is not None:
        detection = shared_detector().detect(item.extracted.text)
    engine = open_database(url, create=False)
    with session_scope(engine) as session:
        run = start_run(session, ["demo-gov"])
        store_batch(session, RawStore(data_dir_for(url)), [CaptureRecord(
            source="demo-gov", url=URL, final_url=URL, fetched_at=item.fetched_at,
            http_status=200, content_type="application/pdf", body=item.body, error=item.error,
            extracted=item.extracted, detection=detection)], run)
    engine.dispose()
    return item


@needs_tesseract
def test_ocr_hits_are_marked_everywhere(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    crawl_scanned(db_url)
    engine = open_database(db_url, create=False)
    with session_scope(engine) as session:
        version = session.scalars(select(Version)).one()
        record = OcrRecord.from_json(version.ocr)
        assert record is not None and record.pages == (1,)
        assert version.extractor.startswith("pdf:pypdfium2-5.15.2+tesseract-5")
        hits = find_hits(session)
        [detail] = [document_detail(session, version.document_id)]
    engine.dispose()
    assert hits and all(hit.ocr == record.engine and hit.page == 1 for hit in hits)
    assert detail is not None and detail.versions[0].ocr is not None
    assert detail.versions[0].ocr.startswith(
        f"Page 1 had no text layer and was read by OCR ({record.engine})")

    assert main(["hits", "--db", db_url, "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert {hit["ocr"] for hit in found} == {record.engine}
    assert main(["show", "--db", db_url, str(hits[0].id)]) == 0
    assert f"read by OCR: page 1 has no text layer; this is what {record.engine}" in (
        " ".join(capsys.readouterr().out.split()))

    from starlette.testclient import TestClient

    from web.app import create_app

    with TestClient(create_app(db_url, "Analyst A"), base_url="http://127.0.0.1:8750") as client:
        page = client.get(f"/doc/{hits[0].document_id}").text
    assert f'id="ocr-hit-{hits[0].id}"' in page and f"read by OCR ({record.engine})" in page
    assert 'id="ocr-note"' in page and "Page 1 had no text layer" in page


def test_without_tesseract_the_capture_is_kept_with_its_reason(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "find_tesseract", lambda: None)
    monkeypatch.setattr(ocr.shutil, "which", lambda _name: None)
    item = crawl_scanned(db_url)
    reason = ("extract_failed: PDF has no extractable text: no text layer on page 1; "
              "OCR unavailable (tesseract is not installed)")
    assert item.error == reason
    engine = open_database(db_url, create=False)
    with session_scope(engine) as session:
        capture = session.scalars(select(Capture)).one()
        assert (capture.error, capture.content_type) == (reason, "application/pdf")
        assert capture.raw_path and capture.sha256
    engine.dispose()
    raw = RawStore(data_dir_for(db_url))
    assert raw.read(capture.sha256) == SCANNED.read_bytes()


def test_verify_compares_ocr_text_only_where_it_can_be_made_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    engine = ocr.Tesseract("tesseract", "5.3.0", "chi_sim+chi_tra")
    monkeypatch.setattr(ocr, "find_tesseract", lambda: engine)
    same = OcrRecord(engine.engine, (1,)).to_json()
    assert ocr_unrepeatable(None) is None and ocr_unrepeatable(same) is None
    assert "OCR engine changed" in (ocr_unrepeatable(
        OcrRecord("tesseract 5.5.0 chi_sim+chi_tra", (1,)).to_json()) or "")
    timed_out = OcrRecord(engine.engine, (1,), "OCR time limit (60 s) reached: page 2 not read")
    assert "time limit" in (ocr_unrepeatable(timed_out.to_json()) or "")
    monkeypatch.setattr(ocr, "find_tesseract", lambda: None)
    assert "this machine has no OCR" in (ocr_unrepeatable(same) or "")
    unavailable = OcrRecord("", (), "no text layer on page 2; OCR unavailable").to_json()
    assert ocr_unrepeatable(unavailable) is None  # made again without OCR, compared as usual
