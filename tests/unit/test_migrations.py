"""Alembic migrations: a database of the first released schema, with rows, upgrades to head
without losing or changing a row; new databases are stamped; old ones are refused until
upgraded. tests/pg/test_migrations_pg.py runs the same checks on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from db import ledger, migrations
from db.engine import driver_url, make_engine, open_database, resolve_db_url, session_scope
from db.errors import StorageError
from db.filters import Filter
from db.hits import find_hits
from db.models import Base
from db.transfer import _value
from evidence.cli import main

T = datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
ROWS: dict[str, list[dict[str, Any]]] = {  # one row or two in every table of the baseline
    "sources": [{"id": 1, "slug": "demo", "publisher": "示范日报（虚构）", "kind": "state_media",
                 "language": "zh", "strategy": "listing", "min_items": 2,
                 "definition_path": "x.yml"}],
    "crawl_runs": [{"id": 1, "started_at": T, "finished_at": T, "sources": '["demo"]',
                    "status": "ok", "stats": "{}", "pid": 42}],
    "reprocess_runs": [{"id": 1, "lexicon_version": "2", "started_at": T, "finished_at": None,
                        "status": "running", "stats": "{}", "pid": None}],
    "documents": [{"id": 1, "url": "http://127.0.0.1:1/a.html", "source_id": 1,
                   "first_seen_at": T, "last_seen_at": T, "status": "removed",
                   "removed_at": T}],
    "versions": [{"id": 1, "document_id": 1, "sha256": "a" * 64, "first_capture_id": None,
                  "created_at": T, "title": "南疆勞動力轉移", "published_at": date(2023, 5, 10),
                  "publisher": "示范日报", "origin": "新华社", "editor": "张三", "author": None,
                  "doc_number": "示发〔2023〕1号", "language": "zh", "script": "hant",
                  "text": "和田地区有组织转移富余劳动力1200人。", "page_starts": "[]",
                  "extractor": "trafilatura", "lexicon_version": "1", "segmenter": "jieba",
                  "fingerprint": "ff", "score": 7.25, "flagged": True}],
    "captures": [{"id": 1, "run_id": 1, "source_id": 1, "document_id": 1, "version_id": 1,
                  "kind": "article", "url": "http://127.0.0.1:1/a.html",
                  "final_url": "http://127.0.0.1:1/a.html", "fetched_at": T, "http_status": 200,
                  "headers": "{}", "content_type": "text/html", "charset": "utf-8",
                  "sha256": "a" * 64, "raw_path": "sha256/aa/aa/" + "a" * 64, "size": 1234,
                  "error": None, "gone": None, "archive_url": None, "archive_timestamp": None,
                  "listing_meta": "{}", "method": "GET", "request_headers": "{}",
                  "crawler": "evidence", "user_agent": "ua", "proxy": None,
                  "warc_file": "warc/run-1.warc.gz", "warc_record_id": "<urn:uuid:1>",
                  "warc_offset": 2_000_000_000, "warc_length": 999}],
    "hits": [{"id": 1, "version_id": 1, "document_id": 1, "start": 0, "end": 19,
              "sentence": "和田地区有组织转移富余劳动力1200人。", "terms": '["有组织转移"]',
              "categories": '["organised_transfer"]', "companies": "[]", "score": 7.25,
              "lexicon_version": "1"}],
    "document_status_events": [{"id": 1, "document_id": 1, "capture_id": 1, "status": "removed",
                                "previous": "live", "reason": "http_404", "observed_at": T}],
    "fingerprint_bands": [{"version_id": 1, "band": "0:abcd"}, {"version_id": 1, "band": "1:ef"}],
    "reviews": [{"id": 1, "hit_id": 1, "status": "confirmed", "note": "配额", "reviewer": "A",
                 "reviewed_at": T, "carried_from_id": None},
                {"id": 2, "hit_id": 1, "status": "rejected", "note": "", "reviewer": "B",
                 "reviewed_at": T, "carried_from_id": 1}],
    "redetections": [{"id": 1, "version_id": 1, "run_id": 1, "lexicon_version": "2",
                      "extractor": "trafilatura", "score": 7.25, "flagged": True,
                      "extraction_changed": False, "hits_before": 1, "hits_after": 1,
                      "reviews_carried": 0, "dropped_hits": "[]", "created_at": T}],
}


def build_baseline(url: str, *, stamped: bool = True) -> None:
    """A database at the first released schema holding ROWS (unstamped: as today's main made
    it, before migrations existed)."""
    engine = create_engine(driver_url(url))
    with engine.begin() as conn:
        command.upgrade(migrations.config(conn), migrations.BASELINE)
        meta = MetaData()
        meta.reflect(conn)
        for name, rows in ROWS.items():  # parents first
            conn.execute(meta.tables[name].insert(), rows)
        conn.execute(text("UPDATE versions SET first_capture_id = 1"))
        if not stamped:
            conn.execute(text("DROP TABLE alembic_version"))
    engine.dispose()


def snapshot(url: str) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every baseline table, spelled the same on both backends."""
    engine = create_engine(driver_url(url))
    with engine.connect() as conn:
        meta = MetaData()
        meta.reflect(conn, only=list(ROWS))
        found = {name: sorted(tuple(_value(row[c]) for c in sorted(ROWS[name][0]))
                              for row in conn.execute(meta.tables[name].select()).mappings())
                 for name in ROWS}
    engine.dispose()
    return found


def expected() -> dict[str, list[tuple[str, ...]]]:
    rows = {name: [dict(r) for r in rs] for name, rs in ROWS.items()}
    rows["versions"][0]["first_capture_id"] = 1
    return {name: sorted(tuple(_value(r[c]) for c in sorted(rs[0])) for r in rs)
            for name, rs in rows.items()}


def schema_differences(url: str) -> list[Any]:
    """How the database's schema differs from the models (SQLite's INTEGER is 64-bit anyway)."""
    engine = create_engine(driver_url(url))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": migrations._include})
        diffs = compare_metadata(context, Base.metadata)
    engine.dispose()
    if engine.dialect.name == "sqlite":
        diffs = [d for d in diffs if not (isinstance(d, list) and d[0][0] == "modify_type"
                                          and "BIGINT" in str(d[0][-1]))]
    return diffs


def check_upgrade_keeps_every_row(url: str, *, stamped: bool) -> None:
    build_baseline(url, stamped=stamped)
    assert snapshot(url) == expected()
    with pytest.raises(StorageError, match=r"is at schema 0001, .*run `evidence db upgrade"):
        open_database(url)
    assert main(["db", "upgrade", "--db", url]) == 0
    assert snapshot(url) == expected()
    assert schema_differences(url) == []
    check_0005_sealed(url)
    engine = open_database(url, create=False)
    with session_scope(engine) as session:
        [hit] = find_hits(session, Filter(all_lexicons=True))
        assert (hit.sentence, hit.review_status) == (ROWS["hits"][0]["sentence"], "rejected")
        assert hit.extraction_id is None  # found in the version's own text
    engine.dispose()
    check_0003_columns(url)
    check_0004_tables(url)
    assert main(["db", "upgrade", "--db", url]) == 0  # a second run has nothing to do


def check_0003_columns(url: str) -> None:
    """Rows made before 0003: text of extractor "0", hits of the version's own text; a hit of
    a re-extracted text may now sit at the same offset with the same lexicon."""
    engine = make_engine(url)  # SQLite: with foreign keys on, as every command opens it
    with engine.begin() as conn:
        assert conn.execute(text("SELECT extractor_version FROM versions")).all() == [("0",)]
        assert conn.execute(text("SELECT extraction_id, extractor_version FROM redetections")
                            ).all() == [(None, None)]
        conn.execute(text(
            "INSERT INTO extractions (id, version_id, extractor_version, extractor, sha256, "
            "text, page_starts, language, script, created_at) VALUES (1, 1, '1', 'x', 'b', "
            "'和田地区有组织转移富余劳动力1200人。', '[]', 'zh', 'hans', :t)"), {"t": T})
        conn.execute(text(
            "INSERT INTO hits (id, version_id, document_id, start, \"end\", sentence, terms, "
            "categories, companies, score, lexicon_version, extraction_id) SELECT 2, "
            "version_id, document_id, start, \"end\", sentence, terms, categories, companies, "
            "score, lexicon_version, 1 FROM hits WHERE id = 1"))
        assert conn.execute(text("SELECT count(*) FROM hits WHERE start = 0")).scalar() == 2
        # the same text, offset and lexicon: still one hit
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(text(
                "INSERT INTO hits (id, version_id, document_id, start, \"end\", sentence, "
                "terms, categories, companies, score, lexicon_version, extraction_id) SELECT 3, "
                "version_id, document_id, start, \"end\", sentence, terms, categories, "
                "companies, score, lexicon_version, extraction_id FROM hits WHERE id = 2"))
        with pytest.raises(IntegrityError), conn.begin_nested():  # foreign keys hold again
            conn.execute(text("UPDATE hits SET extraction_id = 99 WHERE id = 2"))
    engine.dispose()


def check_0004_tables(url: str) -> None:
    """Hits stored before 0004 have no slots ("{}"); missed-evidence marks can be appended and
    name a real document and version."""
    engine = make_engine(url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT DISTINCT slots FROM hits")).all() == [("{}",)]
        mark = ("INSERT INTO document_reviews (document_id, version_id, status, category, note,"
                " reviewer, reviewed_at, lexicon_version, score) VALUES (1, :v, 'missed', NULL,"
                " '第二段', 'A', :t, '1', 3.5)")
        conn.execute(text(mark), {"v": 1, "t": T})
        assert conn.execute(text("SELECT document_id, status, note FROM document_reviews")
                            ).all() == [(1, "missed", "第二段")]
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(text(mark), {"v": 99, "t": T})
    engine.dispose()


def check_0005_sealed(url: str) -> None:
    """The upgrade seals every row that existed into the hash log: the chain and each row check
    out, and an edit made after the upgrade is named with its table and row."""
    covered = sum(len(rows) for name, rows in ROWS.items() if name in ledger.COVERED)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT DISTINCT kind FROM hash_log")).all() == [("seal",)]
        found: list[ledger.LogProblem] = []
        assert ledger.check_chain(conn, found) == covered
        assert sum(ledger.check_rows(conn, name, found) for name in ledger.COVERED) == covered
        assert found == []
        conn.execute(text("UPDATE hits SET score = 9.5 WHERE id = 1"))
        assert ledger.check_rows(conn, "hits", found) == 1
        assert [p.subject for p in found] == ["hits row 1"]
        conn.rollback()
    engine.dispose()


def test_upgrade_from_first_release_keeps_every_row(tmp_path: Path) -> None:
    check_upgrade_keeps_every_row(resolve_db_url(str(tmp_path / "old.db")), stamped=True)


def test_upgrade_of_database_made_before_migrations(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    check_upgrade_keeps_every_row(resolve_db_url(str(tmp_path / "old.db")), stamped=False)
    assert "schema 0001 -> 0012" in capsys.readouterr().out


def test_head_constant_is_the_newest_revision() -> None:
    assert migrations.head() == migrations.script_head() == "0012"


def test_new_database_is_stamped_at_head_and_matches_models(tmp_path: Path) -> None:
    url = resolve_db_url(str(tmp_path / "new.db"))
    open_database(url).dispose()
    engine = create_engine(url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == migrations.head()
        assert "search_fts" in inspect(conn).get_table_names()
    engine.dispose()
    assert schema_differences(url) == []


def test_pre_release_database_is_refused_in_one_line(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    url = resolve_db_url(str(tmp_path / "ancient.db"))
    build_baseline(url, stamped=False)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE captures DROP COLUMN archive_url"))
    engine.dispose()
    assert main(["db", "upgrade", "--db", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "predates the first release (no captures.archive_url" in err
