"""Storage: documents, captures, versions and hits through db/ functions only."""

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.errors import StorageError
from db.filters import Filter
from db.hits import find_hits, get_hit
from db.models import Capture, Document, Hit, Version
from db.queries import counts
from db.rawstore import RawStore
from db.store import CaptureRecord, SourceInfo, ensure_source, start_run, store_batch
from db.urls import canonical_url
from pipelines.text.types import Detection, Extracted
from pipelines.text.types import Hit as TextHit

TEXT = "第一句话。和田地区有组织转移富余劳动力1200人。第三句。"


def detection(text: str = TEXT) -> Detection:
    start = text.index("和田")
    end = text.index("人。") + 2
    hit = TextHit(start=start, end=end, sentence=text[start:end],
                  terms=("有组织转移", "富余劳动力"), categories=("figure", "place", "transfer"),
                  companies=(), score=7.5, lexicon_version="test-1")
    return Detection(language="zh", script="hans", score=7.5, flagged=True,
                     lexicon_version="test-1", hits=(hit,))


def record(body: bytes | None, text: str = TEXT, url: str = "http://127.0.0.1:1/a.html#top",
           **fields: object) -> CaptureRecord:
    extracted = Extracted(text=text, title="标题", published_at=date(2023, 5, 10),
                          publisher="示例新闻网", extractor="test", charset="utf-8")
    base: dict[str, object] = dict(
        source="demo", url=url, final_url=url, fetched_at=datetime.now(UTC), http_status=200,
        headers={"Content-Type": ["text/html; charset=utf-8"]}, content_type="text/html",
        body=body, extracted=extracted, detection=detection(text),
    )
    base.update(fields)
    return CaptureRecord(**base)  # type: ignore[arg-type]


@pytest.fixture()
def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = resolve_db_url(str(tmp_path / "e.db"))
    engine = open_database(url)
    raw = RawStore(data_dir_for(url))
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("demo", "示例新闻网", "state_media", "zh", "listing"))
        run = start_run(session, ["demo"])
    yield engine, raw, run
    engine.dispose()


def store(db, *records: CaptureRecord):  # type: ignore[no-untyped-def]
    engine, raw, run = db
    with session_scope(engine) as session:
        return store_batch(session, raw, records, run)


def test_store_and_query_hit_traces_to_raw_file(db) -> None:  # type: ignore[no-untyped-def]
    result = store(db, record(b"<html>v1</html>"))
    assert (result.new_documents, result.new_versions, result.new_hits) == (1, 1, 1)
    with session_scope(db[0]) as session:
        [hit] = find_hits(session)
    assert hit.url == "http://127.0.0.1:1/a.html"
    assert hit.sentence == "和田地区有组织转移富余劳动力1200人。"
    assert hit.published_at == "2023-05-10"
    assert hit.retrieved_at.endswith("Z")
    raw_file = db[1].root / hit.raw_path
    assert hashlib.sha256(raw_file.read_bytes()).hexdigest() == hit.sha256


def test_same_content_again_adds_capture_only(db) -> None:  # type: ignore[no-untyped-def]
    store(db, record(b"<html>v1</html>"))
    again = store(db, record(b"<html>v1</html>"))
    assert (again.new_documents, again.new_versions, again.new_hits) == (0, 0, 0)
    with session_scope(db[0]) as session:
        assert counts(session) == {"documents": 1, "captures": 2, "versions": 1, "hits": 1}
    files = [p for p in db[1].root.rglob("*") if p.is_file()]
    assert len(files) == 1


def test_changed_content_is_new_version_old_kept(db) -> None:  # type: ignore[no-untyped-def]
    store(db, record(b"<html>v1</html>"))
    changed = "前言。" + TEXT
    result = store(db, record(b"<html>v2</html>", text=changed))
    assert (result.new_documents, result.new_versions, result.new_hits) == (0, 1, 1)
    with session_scope(db[0]) as session:
        versions = session.scalars(select(Version).order_by(Version.id)).all()
        assert [v.text for v in versions] == [TEXT, changed]
        hits = session.scalars(select(Hit).order_by(Hit.id)).all()
        assert [h.start for h in hits] == [TEXT.index("和田"), changed.index("和田")]


def test_error_capture_is_recorded_and_linked(db) -> None:  # type: ignore[no-untyped-def]
    store(db, record(b"<html>v1</html>"))
    gone = record(b"not found", http_status=404, error="http_404", extracted=None,
                  detection=None)
    result = store(db, gone)
    assert result.errors == 1 and result.new_versions == 0
    with session_scope(db[0]) as session:
        capture = session.scalars(select(Capture).where(Capture.error.is_not(None))).one()
        assert capture.http_status == 404 and capture.document_id is not None
        assert session.scalar(select(func.count()).select_from(Document)) == 1


def test_timeout_without_body_is_recorded(db) -> None:  # type: ignore[no-untyped-def]
    failed = record(None, url="http://127.0.0.1:1/slow.html", http_status=None,
                    error="timeout: no answer", extracted=None, detection=None)
    store(db, failed)
    with session_scope(db[0]) as session:
        capture = session.scalars(select(Capture)).one()
        assert (capture.sha256, capture.document_id, capture.error) == (
            None, None, "timeout: no answer")


def test_filters(db) -> None:  # type: ignore[no-untyped-def]
    store(db, record(b"<html>v1</html>"))
    with session_scope(db[0]) as session:
        assert len(find_hits(session, Filter(term="有组织转移"))) == 1
        assert find_hits(session, Filter(term="转移")) == []
        assert len(find_hits(session, Filter(category="transfer", kind="state_media"))) == 1
        assert find_hits(session, Filter(min_score=8)) == []
        assert find_hits(session, Filter(date_from=date(2024, 1, 1))) == []
        assert find_hits(session, Filter(source="other")) == []
        assert get_hit(session, 999) is None


def test_bad_db_path_is_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        open_database(str(tmp_path / "missing" / "e.db"))
    with pytest.raises(StorageError, match="directory"):
        open_database(str(tmp_path))


def test_missing_db_for_queries(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no database"):
        open_database(str(tmp_path / "none.db"), create=False)


def test_canonical_url() -> None:
    assert canonical_url("HTTP://Example.COM:80/a?utm_source=x&id=3#frag") == \
        "http://example.com/a?id=3"
    assert canonical_url("https://example.com") == "https://example.com/"


def test_web_archive_copy_and_pdf_page_are_cited(db) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from evidence.services.cite import footnote

    archived = record(b"%PDF-1.4 archived", url="http://127.0.0.1:1/report.pdf",
                      final_url="http://127.0.0.1:2/web/20210305120000id_/http://127.0.0.1:1/r",
                      archive_url="http://127.0.0.1:2/web/20210305120000/http://127.0.0.1:1/r",
                      archive_timestamp="20210305120000", listing_meta={"term": "劳动力转移"})
    assert archived.extracted is not None
    archived.extracted = replace(archived.extracted, page_starts=(0, TEXT.index("和田") - 1))
    store(db, archived)
    with session_scope(db[0]) as session:
        [hit] = find_hits(session)
        capture = session.scalars(select(Capture)).one()
    assert (hit.page, hit.archive_timestamp) == (2, "20210305120000")
    assert capture.listing_meta == '{"term": "劳动力转移"}'
    cited = footnote(hit)
    assert "p. 2" in cited and "http://127.0.0.1:1/report.pdf" in cited
    assert "as archived at http://127.0.0.1:2/web/20210305120000/" in cited
    assert "(2021-03-05 12:00:00 UTC)" in cited


def test_capture_records_the_bytes_its_charset_could_not_decode(db) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from pipelines.text.extract import extract_document

    page = "<meta charset=gb2312><h1>标题</h1><p>" + TEXT * 3 + "</p>"
    body = page.encode("gbk").replace("第三句".encode("gbk"), "第三句".encode("gbk") + b"\x81 ", 1)
    extracted = extract_document(body, "text/html", "http://127.0.0.1:1/b.html")
    assert (extracted.charset, extracted.replaced_bytes) == ("gb18030", 1)
    bad = record(body, url="http://127.0.0.1:1/b.html")
    clean = record(b"<html>v1</html>")
    store(db, replace(bad, extracted=replace(bad.extracted, charset="gb18030", replaced_bytes=1)),
          clean, record(None, url="http://127.0.0.1:1/c.html", extracted=None, error="http_404"))
    with session_scope(db[0]) as session:
        found = dict(session.execute(select(Capture.url, Capture.replaced_bytes)).all())
    assert found == {"http://127.0.0.1:1/b.html": 1, "http://127.0.0.1:1/a.html#top": 0,
                     "http://127.0.0.1:1/c.html": None}
