"""Screenshot storage without a browser: which pages are pending, the stored answers a page
gets, a rendering's files, WARC records and row (hash-logged), a failure's row."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from db import ledger
from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.models import Screenshot
from db.rawstore import RawStore
from db.screenshots import Outcome, StoredAnswers, jobs, record, render_sink
from db.store import SourceInfo, ensure_source, start_run, store_batch
from db.warc import WarcSink
from db.warc_read import scan_file
from tests.unit.test_store import record as page

URL = "http://127.0.0.1:1/a.html"
PNG = b"\x89PNG\r\n\x1a\n" + b"pixels" * 100


@pytest.fixture()
def stored(tmp_path: Path) -> Iterator[tuple[Engine, Path]]:
    url = resolve_db_url(str(tmp_path / "e.db"))
    engine = open_database(url)
    data = data_dir_for(url)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("demo", "示例新闻网", "state_media", "zh", "listing"))
        run = start_run(session, ["demo"])
    warc = WarcSink(data, f"run-{run}-demo", {"software": "test"})
    with session_scope(engine) as session:
        store_batch(session, RawStore(data), [page(b"<p>page</p>", url=URL),
                                              page(b"<p>css</p>", url="http://127.0.0.1:1/s.css",
                                                   detection=None)], run, warc)
    warc.close()
    yield engine, data
    engine.dispose()


def outcome(job: object, **fields: object) -> Outcome:
    return Outcome(job, "Chrome/1 headless", datetime.now(UTC), 1234, **fields)  # type: ignore


def test_pending_answers_and_a_stored_rendering(stored: tuple[Engine, Path]) -> None:
    engine, data = stored
    with session_scope(engine) as session:
        todo = jobs(session)
    assert [j.url for j in todo] == [URL]  # only the page with hits
    job = todo[0]
    answer = StoredAnswers(engine, RawStore(data), job)
    assert answer(URL) == (200, {"Content-Type": "text/html"}, b"<p>page</p>")
    assert answer("http://127.0.0.1:1/s.css") is not None  # another stored capture
    assert answer("http://127.0.0.1:1/never-stored.png") is None
    sink = render_sink(data, datetime.now(UTC))
    with session_scope(engine) as session:
        record(session, RawStore(data), sink, outcome(
            job, png=PNG, pdf=b"%PDF-1.4", width=1280, height=900, served=(URL,),
            blocked=("http://127.0.0.1:9/x",)))
    sink.close()
    with session_scope(engine) as session:
        shot = session.scalars(select(Screenshot)).one()
        assert jobs(session) == []  # rendered: nothing pending
        assert [j.url for j in jobs(session, doc=shot.document_id, pending=False)] == [URL]
    assert shot.status == "ok" and shot.sha256 == hashlib.sha256(PNG).hexdigest()
    assert (data / str(shot.raw_path)).read_bytes() == PNG
    assert shot.warc_file and shot.warc_file.startswith("warc/render-")
    records = scan_file(data / shot.warc_file).records
    assert [r.rec_type for r in records] == ["warcinfo", "resource", "resource", "metadata"]
    assert records[1].record_id == shot.warc_record_id and records[1].payload_sha256 == shot.sha256
    found: list[ledger.LogProblem] = []
    with engine.connect() as conn:
        assert ledger.check_rows(conn, "screenshots", found) == 1
    assert found == []


def test_a_failure_is_a_row_with_its_reason(stored: tuple[Engine, Path]) -> None:
    engine, data = stored
    with session_scope(engine) as session:
        job = jobs(session)[0]
    sink = render_sink(data, datetime.now(UTC))
    with session_scope(engine) as session:
        record(session, RawStore(data), sink, outcome(job, error="timeout"))
    sink.close()
    with session_scope(engine) as session:
        shot = session.scalars(select(Screenshot)).one()
        assert jobs(session) == []  # a failure is not retried by --pending
    assert (shot.status, shot.error, shot.sha256, shot.warc_file) == ("failed", "timeout", None,
                                                                      None)


def test_retry_failed_selects_pages_whose_every_rendering_failed(
        stored: tuple[Engine, Path]) -> None:
    engine, data = stored
    with session_scope(engine) as session:
        job = jobs(session)[0]
    sink = render_sink(data, datetime.now(UTC))
    for fields in ({"error": "timeout"}, {"error": "timeout"}):
        with session_scope(engine) as session:
            record(session, RawStore(data), sink, outcome(job, **fields))
    with session_scope(engine) as session:
        assert jobs(session) == []
        assert jobs(session, retry_failed=True) == [job]  # two failures, no success
        assert jobs(session, pending=False, retry_failed=True) == [job]
        assert jobs(session, doc=(job.document_id or 0) + 1000, retry_failed=True) == []
        record(session, RawStore(data), sink, outcome(job, png=PNG, width=1, height=1))
    sink.close()
    with session_scope(engine) as session:
        assert jobs(session, retry_failed=True) == []  # rendered once: nothing to retry
