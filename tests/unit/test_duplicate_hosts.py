"""One publisher's identical bodies under a second host or port are found and warned about."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from db.duplicates import duplicate_hosts
from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.queries import run_summary
from db.rawstore import RawStore
from db.runs import get_run
from db.store import CaptureRecord, SourceInfo, ensure_source, start_run, store_batch
from evidence.services.report import build_report, to_html, to_markdown
from evidence.services.run_notes import run_notes
from tests.unit.test_store import record

BODY = b"<html><body>identical bytes</body></html>"


@dataclass
class Base:
    engine: object
    raw: RawStore
    run: int


@pytest.fixture()
def base(tmp_path: Path) -> Iterator[Base]:
    """A real SQLite evidence base with two sources of one publisher and one of another."""
    url = resolve_db_url(str(tmp_path / "e.db"))
    engine = open_database(url)
    with session_scope(engine) as session:
        for slug, publisher in (("demo", "示例新闻网"), ("demo-mirror", "示例新闻网"),
                                ("other", "另一家网站")):
            ensure_source(session, SourceInfo(slug, publisher, "state_media", "zh", "listing"))
        run = start_run(session, ["demo", "demo-mirror", "other"])
    yield Base(engine, RawStore(data_dir_for(url)), run)
    engine.dispose()


def store(base: Base, *records: CaptureRecord) -> None:
    with session_scope(base.engine) as session:  # type: ignore[arg-type]
        store_batch(session, base.raw, records, base.run)


def test_same_body_under_a_second_port_is_a_duplicate(base: Base) -> None:
    store(base, record(BODY, url="http://127.0.0.1:8741/xinwen/a.html"),
          record(BODY, url="http://127.0.0.1:40541/xinwen/a.html", source="demo-mirror"),
          record(b"<html>only once</html>", url="http://127.0.0.1:8741/xinwen/b.html"))
    with session_scope(base.engine) as session:  # type: ignore[arg-type]
        [found] = duplicate_hosts(session)
        assert duplicate_hosts(session, base.run) == [found]
        assert duplicate_hosts(session, base.run + 1) == []  # that run fetched none of them
    assert found.publisher == "示例新闻网" and found.bodies == 1
    assert found.origins == ("http://127.0.0.1:40541", "http://127.0.0.1:8741")
    assert found.example == ("http://127.0.0.1:40541/xinwen/a.html",
                             "http://127.0.0.1:8741/xinwen/a.html")


def test_reposts_refetches_and_one_host_are_no_duplicates(base: Base) -> None:
    store(base, record(BODY, url="http://www.example.test/a.html"),
          record(BODY, url="http://www.example.test/a.html"),  # fetched again: same URL
          record(BODY, url="http://www.example.test/copy.html"),  # same host, another path
          record(BODY, url="http://another.example.test/a.html", source="other"))  # repost
    with session_scope(base.engine) as session:  # type: ignore[arg-type]
        assert duplicate_hosts(session) == []


def test_crawl_summary_and_morning_report_warn(base: Base) -> None:
    store(base, record(BODY, url="http://www.example.test/a.html"),
          record(BODY, url="https://example.test/a.html", source="demo-mirror"))
    with session_scope(base.engine) as session:  # type: ignore[arg-type]
        notes = run_notes(run_summary(session, base.run))
        run = get_run(session, base.run)
        assert run is not None
        report = build_report(session, run)
    [warning] = [line for line in notes if line.startswith("WARNING")]
    assert "示例新闻网: 1 identical page (same SHA-256) stored under 2 hosts or ports" in warning
    assert "(http://www.example.test, https://example.test)" in warning
    assert f"**{warning}**" in to_markdown(report)
    assert "identical page (same SHA-256)" in to_html(report)
