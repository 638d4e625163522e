"""The hash log: rows written through the storage layer (ORM flushes and db.bulk batches) are
chained in the transaction that writes them; the chain and every row check out; an edit, a
deletion or a row added by hand with SQL is named with its table and row; a rolled-back write
leaves no entry; writers committing at the same time still make one chain.
tests/pg/test_ledger_pg.py runs the same on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from db import ledger
from db.bulk import add_texts, append_detections, iter_texts
from db.engine import data_dir_for, open_database, session_scope
from db.models import LogEntry
from db.rawstore import RawStore
from db.review import add_review
from db.store import SourceInfo, ensure_source, store_batch
from pipelines.text.detect import Detector
from tests.unit.test_store import TEXT, record

PAGES = [(f"http://127.0.0.1:1/{n}.html", f"第{n}篇。{TEXT}") for n in range(3)]


def seeded(url: str) -> Engine:
    """A database with one source and three bulk-stored versions, each detected once."""
    engine = open_database(url)
    with session_scope(engine) as session:
        source = ensure_source(session, SourceInfo("demo", "示例", "state_media", "zh",
                                                   "listing")).id
    with engine.begin() as conn:
        add_texts(conn, source, PAGES, "test")
    [stored] = list(iter_texts(engine))
    with engine.begin() as conn:
        append_detections(conn, [(s, Detector().detect(s.text)) for s in stored], "test")
    return engine


@pytest.fixture()
def engine(tmp_path: Path) -> Iterator[Engine]:
    built = seeded(str(tmp_path / "e.db"))
    yield built
    built.dispose()


def problems(engine: Engine, *edits: str) -> tuple[list[str], int, int]:
    """Apply ``edits`` by hand (rolled back afterwards); (subjects named, entries, rows)."""
    with engine.connect() as conn:
        for edit in edits:
            conn.execute(text(edit))
        found: list[ledger.LogProblem] = []
        entries = ledger.check_chain(conn, found)
        rows = sum(ledger.check_rows(conn, name, found) for name in ledger.COVERED)
        conn.rollback()
    return [p.subject for p in found], entries, rows


def test_bulk_writes_are_chained_and_check_out(engine: Engine) -> None:
    named, entries, rows = problems(engine)
    with session_scope(engine) as session:
        hits = session.scalar(text("SELECT count(*) FROM hits"))
    assert named == [] and entries == rows == 3 + 3 + 3 + hits  # documents, versions, redetections
    assert hits and hits >= 3


@pytest.mark.parametrize(("edit", "named"), [
    ("UPDATE hits SET score = 0.5 WHERE id = 2", ["hits row 2"]),
    ("UPDATE redetections SET flagged = NOT flagged WHERE id = 1", ["redetections row 1"]),
    ("UPDATE versions SET title = '改' WHERE id = 3", ["versions row 3"]),
    ("DELETE FROM redetections WHERE id = 3", ["redetections row 3"]),
    ("INSERT INTO reviews (hit_id, status, note, reviewer, reviewed_at) VALUES "
     "(1, 'confirmed', '', 'X', '2024-01-01 00:00:00')", ["reviews row 1"]),
    ("UPDATE hash_log SET row_id = 99 WHERE id = 4", ["hash_log entry 4", "versions row 99",
                                                      "versions row 1"]),
])
def test_a_hand_edit_is_named(engine: Engine, edit: str, named: list[str]) -> None:
    assert sorted(problems(engine, edit)[0]) == sorted(named)


def test_orm_writes_are_logged_only_when_committed(engine: Engine) -> None:
    raw = RawStore(data_dir_for(str(engine.url)))
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        store_batch(session, raw, [record(b"<html>a</html>")], None)
        raise RuntimeError("the batch fails before its commit")
    with session_scope(engine) as session:
        before = session.scalar(select(func.count(LogEntry.id)))
        store_batch(session, raw, [record(b"<html>a</html>")], None)
    with session_scope(engine) as session:
        logged = list(session.execute(select(LogEntry.table_name, LogEntry.kind)
                                      .where(LogEntry.id > (before or 0))).tuples())
    assert sorted(logged) == [("captures", "write"), ("document_status_events", "write"),
                              ("documents", "write"), ("hits", "write"), ("versions", "write")]
    assert problems(engine)[0] == []


def test_writers_at_the_same_time_make_one_chain(engine: Engine) -> None:
    def review(reviewer: str) -> None:
        for n in range(15):
            with session_scope(engine) as session:
                add_review(session, 1 + n % 3, "confirmed", reviewer)

    threads = [threading.Thread(target=review, args=(name,)) for name in ("A", "B", "C")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    named, entries, rows = problems(engine)
    assert named == [] and entries == rows
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(text("reviews"))) == 45
