"""Removals, status events, provenance, WARC references, repost clusters, citations, verify."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db.citations import citation_facts
from db.clusters import copies_of
from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.history import document_history, documents_to_recheck
from db.hits import find_hits, get_hit
from db.models import Capture, StatusEvent, Version
from db.rawstore import RawStore
from db.store import CaptureRecord, SourceInfo, ensure_source, start_run, store_batch
from db.verify import verify_store
from db.warc import WarcSink
from evidence.services.cite import bibtex, csl_json, footnote
from tests.unit.test_store import TEXT, record

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
URL = "http://127.0.0.1:1/a.html"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[tuple[Engine, RawStore, int, WarcSink]]:
    url = resolve_db_url(str(tmp_path / "e.db"))
    engine = open_database(url)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("demo", "示例新闻网", "state_media", "zh", "listing"))
        run = start_run(session, ["demo"])
    warc = WarcSink(data_dir_for(url), f"run-{run}-demo", {"software": "test"})
    yield engine, RawStore(data_dir_for(url)), run, warc
    warc.close()
    engine.dispose()


def put(store: tuple[Engine, RawStore, int, WarcSink], *records: CaptureRecord) -> None:
    engine, raw, run, warc = store
    with session_scope(engine) as session:
        store_batch(session, raw, records, run, warc)


def live(body: bytes, at: datetime, url: str = URL, text: str = TEXT) -> CaptureRecord:
    return record(body, text=text, url=url, fetched_at=at, crawler="evidence-pipeline/test",
                  user_agent="ua/1", segmenter="jieba-0.42.1",
                  request_headers={"User-Agent": ["ua/1"]})


def gone(at: datetime, reason: str = "http_404", status: int = 404) -> CaptureRecord:
    return record(b"<html>404</html>", url=URL, fetched_at=at, http_status=status,
                  error=reason, gone=reason, extracted=None, detection=None)


def test_removal_and_return_are_appended_status_events(store) -> None:  # type: ignore[no-untyped-def]
    put(store, live(b"<html>v1</html>", T0))
    put(store, gone(T0 + timedelta(days=1)))
    put(store, gone(T0 + timedelta(days=2)))  # still gone: no new event, first time kept
    with session_scope(store[0]) as session:
        history = document_history(session, URL)
        assert history is not None
        assert (history.status, history.removed_at) == ("removed", "2024-03-02T08:00:00Z")
        [target] = documents_to_recheck(session, "demo")
        assert target.url == URL
        # the cadence: last fetched at T0 + 2 days, so due only for a later cut-off
        assert documents_to_recheck(session, "demo", T0 + timedelta(days=2)) == []
        assert [t.url for t in documents_to_recheck(session, "demo", T0 + timedelta(days=3))] \
            == [URL]
    put(store, live(b"<html>v1</html>", T0 + timedelta(days=3)))
    with session_scope(store[0]) as session:
        history = document_history(session, URL)
        events = list(session.scalars(select(StatusEvent).order_by(StatusEvent.id)))
    assert history is not None and history.status == "live" and history.removed_at is None
    assert [(e.previous, e.status, e.reason) for e in events] == [
        (None, "live", None), ("live", "removed", "http_404"), ("removed", "live", None)]
    assert len(history.versions) == 1 and history.fetches == 4


def test_soft_404_capture_never_becomes_a_version(store) -> None:  # type: ignore[no-untyped-def]
    put(store, live(b"<html>v1</html>", T0))
    put(store, replace(live(b"<html>deleted</html>", T0 + timedelta(days=1)),
                       gone="soft_404: 该信息已删除", error="soft_404: 该信息已删除"))
    with session_scope(store[0]) as session:
        history = document_history(session, URL)
    assert history is not None and len(history.versions) == 1
    assert history.events[-1].reason == "soft_404: 该信息已删除"


def test_provenance_and_warc_reference_are_stored(store) -> None:  # type: ignore[no-untyped-def]
    put(store, live(b"<html>v1</html>", T0))
    with session_scope(store[0]) as session:
        capture = session.scalars(select(Capture)).one()
        version = session.scalars(select(Version)).one()
        assert (capture.crawler, capture.user_agent, capture.method) == \
            ("evidence-pipeline/test", "ua/1", "GET")
        assert json.loads(capture.request_headers) == {"User-Agent": ["ua/1"]}
        assert capture.warc_file == "warc/run-1-demo.warc.gz"
        assert capture.warc_record_id and capture.warc_record_id.startswith("<urn:uuid:")
        assert (version.segmenter, version.extractor, version.lexicon_version) == \
            ("jieba-0.42.1", "test", "test-1")
        assert version.fingerprint and len(version.fingerprint) == 1024


def test_repost_cluster_names_earliest_copy(store) -> None:  # type: ignore[no-untyped-def]
    article = TEXT + "记者从有关部门获悉，各县市通过入户动员、集中培训等方式组织劳动力赴企业务工。"
    put(store, live(b"<html>copy b</html>", T0, url="http://127.0.0.1:1/b.html",
                    text="来源：示范日报\n" + article))
    put(store, live(b"<html>other</html>", T0, url="http://127.0.0.1:1/c.html",
                    text="天河铝业召开安全生产会议，部署隐患排查治理工作。和田地区有组织转移富余劳动力1200人。"))
    older = live(b"<html>copy a</html>", T0 + timedelta(days=1), url=URL, text=article)
    assert older.extracted is not None
    put(store, replace(older, extracted=replace(older.extracted,
                                                published_at=older.extracted.published_at
                                                and older.extracted.published_at.replace(day=1))))
    with session_scope(store[0]) as session:
        [b_hit] = [h for h in find_hits(session) if h.url.endswith("/b.html")]
        copies = copies_of(session, b_hit.version_id)
        facts = citation_facts(session, b_hit)
    assert [c.url for c in copies] == [URL, "http://127.0.0.1:1/b.html"]
    assert facts.earliest is not None and facts.earliest.url == URL
    assert facts.other_copies == 1
    assert "Earliest known copy: 示例新闻网, “标题”, 2023-05-01, http://127.0.0.1:1/a.html" \
        in footnote(b_hit, facts)


def test_citation_styles_carry_archive_and_removal(store) -> None:  # type: ignore[no-untyped-def]
    put(store, live(b"<html>v1</html>", T0))
    put(store, gone(T0 + timedelta(days=1), "redirect_home: http://127.0.0.1:1/", 200))
    with session_scope(store[0]) as session:
        hit = get_hit(session, 1)
        assert hit is not None
        facts = citation_facts(session, hit)
    assert facts.archived is not None and facts.archived.warc_record_id
    text = footnote(hit, facts)
    assert text.startswith("示例新闻网, “标题”, 2023-05-10, http://127.0.0.1:1/a.html (accessed "
                           "2024-03-01 UTC; archived copy sha256:")
    assert f"WARC-Record-ID {facts.archived.warc_record_id}). Quote: “和田地区有组织转移富余" \
        "劳动力1200人。” Page removed: first found gone 2024-03-02T08:00:00Z UTC (redirect_home: " \
        "http://127.0.0.1:1/)" in text
    entry = bibtex(facts)
    assert entry.startswith("@misc{hit1,\n  author = {{示例新闻网}},\n  title = {标题},")
    assert "urldate = {2024-03-01}" in entry
    csl = csl_json(facts)
    assert csl["issued"] == {"date-parts": [[2023, 5, 10]]}
    assert csl["accessed"] == {"date-parts": [[2024, 3, 1]]}
    assert csl["archive_location"] == facts.archived.warc_record_id


def extracted_page(at: datetime) -> CaptureRecord:
    """A capture whose stored text is what the extractor reads from its bytes (as in a crawl)."""
    from pipelines.text.extract import extract_document

    body = (f"<html><head><meta charset='utf-8'><title>标题</title></head><body><article>"
            f"<p>{TEXT}</p></article></body></html>").encode()
    extracted = extract_document(body, "text/html", URL, header_charset="utf-8")
    return replace(live(body, at, text=extracted.text), extracted=extracted)


def test_verify_names_tampered_raw_hit_and_warc(store) -> None:  # type: ignore[no-untyped-def]
    engine, raw, _, warc = store
    put(store, extracted_page(T0))
    warc.close()
    with session_scope(engine) as session:
        assert verify_store(session, raw.root).ok
        capture = session.scalars(select(Capture)).one()
        capture.sha256 = "0" * 64  # the row no longer matches the file nor the WARC record
        hit = session.scalars(select(Version)).one().hits[0]
        hit.end += 1
        report = verify_store(session, raw.root)
        session.rollback()
    text = "\n".join(str(p) for p in report.problems)
    assert "raw: " in text and "(capture 1)" in text
    assert "hit: hit 1: text[" in text
    assert "warc: " in text and "payload sha256" in text
