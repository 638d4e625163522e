"""`evidence db copy`: a SQLite evidence base moves to PostgreSQL whole and verified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db import transfer
from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.filters import Filter
from db.hits import find_hits
from db.rawstore import RawStore
from db.review import add_review
from db.search import search
from db.store import SourceInfo, ensure_source, store_batch
from evidence.cli import main
from tests.unit.test_search import PAGES, SOURCES, record


def sqlite_base(path: Path) -> str:
    """A small SQLite evidence base: three pages, their hits, two reviews."""
    url = resolve_db_url(str(path))
    engine = open_database(url)
    with session_scope(engine) as session:
        for slug, (publisher, kind) in SOURCES.items():
            ensure_source(session, SourceInfo(slug, publisher, kind, "zh", "listing"))
        store_batch(session, RawStore(data_dir_for(url)), [record(n) for n in PAGES], None)
    with session_scope(engine) as session:
        first = find_hits(session)[0].id
        add_review(session, first, "needs-translation", "Analyst A", "数字")
        add_review(session, first, "confirmed", "Analyst B")
    engine.dispose()
    return url


def views(url: str) -> tuple[list[str], list[tuple[int, str]]]:
    engine = open_database(url, create=False)
    with session_scope(engine) as session:
        hits = [json.dumps(h.__dict__, default=str, sort_keys=True)
                for h in find_hits(session, Filter(all_lexicons=True))]
        page = search(session, Filter(query="勞動力轉移"))
    engine.dispose()
    return hits, [(r.facts.version_id, r.facts.title or "") for r in page.results]


def test_copy_sqlite_to_postgresql(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    target_data = tmp_path / "evidence-data"  # $EVIDENCE_DATA_DIR of pg_url
    monkeypatch.delenv("EVIDENCE_DATA_DIR")
    source = sqlite_base(tmp_path / "laptop.db")  # raw files in laptop-data/
    monkeypatch.setenv("EVIDENCE_DATA_DIR", str(target_data))
    from_data = str(tmp_path / "laptop-data")
    assert main(["db", "copy", "--from", source, "--to", pg_url, "--from-data", from_data]) == 0
    out = capsys.readouterr().out
    assert "raw files: 3 copied, 0 already there" in out
    tables = len(transfer.tables())  # every model table, the hash log included
    assert f"verified: every table has the same row count and checksum ({tables} tables)" in out
    src_hits, src_search = views(source)
    dst_hits, dst_search = views(pg_url)
    assert dst_hits == src_hits and len(dst_hits) == 5
    assert dst_search == src_search and len(dst_search) == 2
    assert main(["verify", "--db", pg_url]) == 0  # the hash log chains on PostgreSQL too
    assert len([p for p in (target_data / "sha256").rglob("*") if p.is_file()]) == 3
    engine = open_database(pg_url)  # ids continue after the copied ones
    with session_scope(engine) as session:
        hit = find_hits(session)[0]
        assert add_review(session, hit.id, "rejected", "Analyst C").id == 3
    engine.dispose()
    assert main(["db", "copy", "--from", source, "--to", pg_url]) == 2
    assert "already has rows in" in capsys.readouterr().err


@pytest.mark.parametrize(("target", "message"), [
    ("nosuch://x", "invalid database URL 'nosuch://x'"),
    ("postgresql://nobody:secret@127.0.0.1:1/x", "cannot open database postgresql+psycopg://"
                                                  "nobody:***@127.0.0.1:1/x: connection"),
])
def test_bad_urls_are_one_line(tmp_path: Path, target: str, message: str,
                               capsys: pytest.CaptureFixture[str]) -> None:
    source = resolve_db_url(str(tmp_path / "e.db"))
    open_database(source).dispose()
    assert main(["db", "copy", "--from", source, "--to", target]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "secret" not in err
