"""Reprocessing after an extractor change: captures stored through store_batch are extracted
again from their raw bytes into a new, append-only extraction; hits, reviews, verify, search,
show, history and the desk's document page follow the new text while the crawl's text stays.
tests/pg/test_reprocess_pg.py runs the same scenario on PostgreSQL."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.filters import Filter
from db.history import document_history
from db.hits import find_hits, hit_text, version_text
from db.models import Extraction, Hit, Version
from db.rawstore import RawStore
from db.reprocess import dropped_hits, open_run
from db.review import add_review
from db.store import CaptureRecord, SourceInfo, ensure_source, store_batch
from evidence.cli import main
from evidence.services.reprocess import pending, reprocess_version
from pipelines.text import extract
from pipelines.text.detect import Detector
from pipelines.text.extract import extract_document

LEAD = "各乡镇要层层签订目标责任状，确保完成年度转移就业任务。"
QUOTA = "和田地区今年有组织转移农村富余劳动力1200人，集中输送至内地企业就业。"
FOLLOW = "各乡镇人社所要做好跟踪管理服务，按月报送转移就业人数。"
ANNEX = "附件：雪莲示范纺织有限公司（虚构企业）接收喀什地区富余劳动力320人，实行集中管理。"
PAGE = f"""<html><head><meta charset="gbk"><title>关于南疆四地州劳动力转移就业工作的通知</title>
<meta name="PubDate" content="2023-04-12"></head><body>
<div class="nav"><a href="/">首页</a> <a href="/tzgg/">通知公告</a></div>
<div class="title"><h2>关于南疆四地州劳动力转移就业工作的通知</h2></div>
<div class="lead"><p>{LEAD}</p></div>
<div class="article"><p>{QUOTA}</p><p>{FOLLOW}</p></div>
<aside class="attachment"><p>{ANNEX}</p></aside>
<div class="footer">示范县人民政府办公室（虚构）主办</div>
</body></html>""".encode("gbk")  # served with a wrong "charset=utf-8" header, as some portals do
PDF = Path(__file__).parents[2] / "demo/site/company/reports/files/tianhe-2022-annual.pdf"
SOURCE_YML = """publisher: 示范县人民政府（虚构）
kind: government
language: zh
strategy: listing
start_urls: ["http://127.0.0.1:9/tzgg/index.html"]
links:
  article: {{css: "ul.list li a"}}
selectors:
  title: "div.title h2"
  body: "{body}"
"""
OLD_BODY, NEW_BODY = "div.lead, div.article", "div.article, aside.attachment"
CURRENT = extract.EXTRACTOR_VERSION
NEXT = str(int(CURRENT) + 1)  # "the extractor changed"
OLD_TEXT = "\n".join([LEAD, QUOTA, FOLLOW])
NEW_TEXT = "\n".join([QUOTA, FOLLOW, ANNEX])


def capture(url: str, body: bytes, content_type: str, selectors: dict[str, str]
            ) -> CaptureRecord:
    """A fetch as the crawl stores it: extracted with the crawl's charset logic, detected."""
    extracted = extract_document(body, content_type, url, header_charset="utf-8"
                                 if "html" in content_type else None, selectors=selectors)
    extracted = replace(extracted, publisher=extracted.publisher or "示范县人民政府（虚构）")
    return CaptureRecord(
        source="demo-county", url=url, final_url=url, fetched_at=datetime(2024, 5, 1, tzinfo=UTC),
        http_status=200, headers={"Content-Type": [content_type]}, content_type=content_type,
        body=body, extracted=extracted, detection=Detector().detect(extracted.text))


def store_captures(url: str, definition: Path) -> None:
    """The notice (GBK HTML, body selector OLD_BODY) and a PDF report, crawled and stored."""
    definition.write_text(SOURCE_YML.format(body=OLD_BODY), encoding="utf-8")
    engine = open_database(url)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("demo-county", "示范县人民政府（虚构）", "government",
                                          "zh", "listing", definition_path=str(definition)))
        store_batch(session, RawStore(data_dir_for(url)), [
            capture("http://127.0.0.1:9/tzgg/t1.html", PAGE, "text/html; charset=utf-8",
                    {"title": "div.title h2", "body": OLD_BODY}),
            capture("http://127.0.0.1:9/files/report.pdf", PDF.read_bytes(), "application/pdf",
                    {})], None)
    engine.dispose()


def check_reextraction(url: str, definition: Path, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    """The whole scenario, on the database at ``url`` (SQLite or PostgreSQL)."""
    store_captures(url, definition)
    engine = open_database(url, create=False)
    with session_scope(engine) as session:
        notice, report = session.scalars(select(Version).order_by(Version.id)).all()
        stored = notice.text.encode("utf-8")
        assert (notice.text, notice.extractor_version) == (OLD_TEXT, CURRENT)
        old = {h.sentence: h for h in find_hits(session)}
        assert sorted(old) == sorted([LEAD, QUOTA, FOLLOW])
        add_review(session, old[QUOTA].id, "confirmed", "Analyst A", "quota")
        add_review(session, old[LEAD].id, "needs-translation", "Analyst B")
        report_id = report.id

    definition.write_text(SOURCE_YML.format(body=NEW_BODY), encoding="utf-8")  # new selectors
    assert main(["reprocess", "--db", url]) == 0  # same extractor and lexicon: nothing to do
    assert "0 version(s) to do, 0 to extract again" in capsys.readouterr().out

    monkeypatch.setattr(extract, "EXTRACTOR_VERSION", NEXT)  # the extractor changed
    with session_scope(engine) as session:  # a first sitting does the notice, then stops
        run_id, resumed = open_run(session, Detector().lexicon.version)
        todo = pending(session, Detector().lexicon.version, run_id)
    assert (resumed, len(todo)) == (False, 2)
    with session_scope(engine) as session:
        got = reprocess_version(session, RawStore(data_dir_for(url)), todo[0], Detector(),
                                lambda slug: (None, {"title": "div.title h2", "body": NEW_BODY}),
                                run_id)
    assert (got.reextracted, got.text_changed, got.new_passages, got.carried) == (
        True, True, 1, 1)
    assert main(["reprocess", "--db", url]) == 0  # resumes: the PDF is left
    out = capsys.readouterr().out
    assert f"Resuming reprocess run {run_id}" in out
    assert "1 version(s) to do, 1 to extract again" in out
    assert ("re-extracted 1 (texts changed 0, new extractions stored 0, not re-extracted 0); "
            "hits added 0, hits disappeared 0") in out

    with session_scope(engine) as session:
        notice = session.get(Version, todo[0])
        assert notice is not None and notice.text.encode("utf-8") == stored  # never rewritten
        [derived] = session.scalars(select(Extraction)).all()
        assert (derived.version_id, derived.text, derived.extractor_version) == (
            notice.id, NEW_TEXT, NEXT)
        assert derived.sha256 == hashlib.sha256(NEW_TEXT.encode("utf-8")).hexdigest()
        assert (derived.charset, derived.title) == ("gb18030",
                                                    "关于南疆四地州劳动力转移就业工作的通知")
        assert version_text(session, notice.id) == NEW_TEXT
        current = {h.sentence: h for h in find_hits(session)}
        assert sorted(current) == sorted([QUOTA, FOLLOW, ANNEX])
        for hit in current.values():  # offsets slice exactly the quote out of the new text
            assert hit.extraction_id == derived.id
            assert hit_text(session, hit)[hit.start:hit.end] == hit.sentence
        assert (current[QUOTA].start, old[QUOTA].start) == (0, len(LEAD) + 1)
        assert (current[QUOTA].review_status, current[QUOTA].reviewer) == ("confirmed",
                                                                           "Analyst A")
        assert current[ANNEX].review_status is None
        lead = old[LEAD]
        assert [(d.hit_id, d.review) for d in dropped_hits(session, run_id)] == [
            (lead.id, "needs_translation")]
        superseded = session.get(Hit, lead.id)
        assert superseded is not None and superseded.extraction_id is None
        assert hit_text(session, lead)[lead.start:lead.end] == LEAD  # still cut from the old
        assert len(find_hits(session, Filter(all_lexicons=True))) == 6
        history = document_history(session, "http://127.0.0.1:9/tzgg/t1.html")
        assert history is not None and history.versions[0].text == NEW_TEXT
        assert [(x.id, x.current) for x in history.versions[0].extractions] == [(derived.id,
                                                                                True)]
        assert session.scalar(select(Extraction.id).where(Extraction.version_id == report_id)
                              ) is None  # the PDF reads the same: confirmed, nothing stored
    engine.dispose()

    assert main(["verify", "--db", url]) == 0
    assert "1 re-extracted texts" in capsys.readouterr().out
    assert main(["search", "雪莲示范纺织", "--db", url, "--format", "json"]) == 0
    found = capsys.readouterr().out
    assert '"total": 1' in found and "雪莲示范纺织" in found
    assert main(["search", "目标责任状", "--db", url, "--format", "json"]) == 0
    assert '"total": 0' in capsys.readouterr().out  # only in the crawl's text: not current
    assert main(["show", str(lead.id), "--db", url]) == 0
    assert LEAD in capsys.readouterr().out
    assert main(["reprocess", "--db", url]) == 0
    assert "0 version(s) to do" in capsys.readouterr().out


def check_document_page(url: str) -> None:
    """The desk's document page shows the re-extracted text its hits point into."""
    from starlette.testclient import TestClient

    from web.app import create_app

    with TestClient(create_app(url, "Analyst A"), base_url="http://127.0.0.1:8750") as client:
        page = client.get("/doc/1").text
    assert f"extractor version {NEXT}" in page and "雪莲示范纺织有限公司" in page
    assert "目标责任状" not in page.split('id="fulltext"')[1]  # the text shown is the new one


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_extractor_change_reextracts_from_raw_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = resolve_db_url(str(tmp_path / "e.db"))
    check_reextraction(url, tmp_path / "demo-county.yml", monkeypatch, capsys)
    check_document_page(url)
    engine = open_database(url, create=False)
    with engine.begin() as conn:  # someone edits the stored re-extraction
        conn.execute(text("UPDATE extractions SET text = replace(text, '320人', '3200人')"))
    engine.dispose()
    assert main(["verify", "--db", url]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH text: extraction 1: altered: sha256 is" in out
    assert "MISMATCH hit: hit 6: extraction 1 text[65:107] is" in out


def test_raw_copy_missing_is_reported_and_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = resolve_db_url(str(tmp_path / "e.db"))
    store_captures(url, tmp_path / "demo-county.yml")
    raw = RawStore(data_dir_for(url))
    raw.path(hashlib.sha256(PAGE).hexdigest()).unlink()
    monkeypatch.setattr(extract, "EXTRACTOR_VERSION", NEXT)
    assert main(["reprocess", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "version 1: not extracted again: raw copy missing or altered" in out
    assert "re-extracted 1 (texts changed 0, new extractions stored 0, not re-extracted 1)" in out
    assert main(["reprocess", "--db", url]) == 0  # a later run tries the notice again
    assert "1 version(s) to do, 1 to extract again" in capsys.readouterr().out
