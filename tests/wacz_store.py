"""A small evidence base with WARC records, for the WACZ export and archived-copy tests.

Two pages of one source are stored through the real write path (db.store.store_batch with a
WARC sink), with a hand-written detection so that each page carries one hit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.rawstore import RawStore
from db.store import SourceInfo, ensure_source, finish_run, start_run, store_batch
from db.warc import WarcSink
from tests.unit.test_store import TEXT, record

T0 = datetime(2024, 3, 1, 8, 0, 5, tzinfo=UTC)


@dataclass(frozen=True)
class StoredPage:
    """One page as stored: its URL, capture time and raw bytes."""

    url: str
    fetched_at: datetime
    body: bytes


def page_body(title: str) -> bytes:
    """A page whose bytes carry the hit's sentence."""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}'
            f'</title></head><body><h1>{title}</h1><p>{TEXT}</p></body></html>').encode()


PAGES = (
    StoredPage("http://demo.evidence.test/news/a.html", T0, page_body("转移就业专列发车")),
    StoredPage("http://demo.evidence.test/news/b.html", T0 + timedelta(minutes=1),
               page_body("南疆劳动力转移工作会议")),
)


def build(folder: Path) -> Path:
    """Store PAGES into ``folder/e.db`` (raw bytes and WARC in ``folder/e-data``)."""
    db = folder / "e.db"
    url = resolve_db_url(str(db))
    engine = open_database(url)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("demo", "示例新闻网", "state_media", "zh", "listing"))
        run = start_run(session, ["demo"])
    warc = WarcSink(data_dir_for(url), f"run-{run}-demo", {"software": "test"})
    records = [record(p.body, url=p.url, fetched_at=p.fetched_at,
                      request_headers={"User-Agent": ["ua/1"]}) for p in PAGES]
    with session_scope(engine) as session:
        store_batch(session, RawStore(data_dir_for(url)), records, run, warc)
    warc.close()
    with session_scope(engine) as session:
        finish_run(session, run, "finished", {})
    engine.dispose()
    return db
