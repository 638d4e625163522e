"""The store, query, history, removal, citation and verify tests of tests/unit, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from db.engine import data_dir_for, open_database, session_scope
from db.rawstore import RawStore
from db.store import SourceInfo, ensure_source, start_run
from db.warc import WarcSink
from tests.unit.test_evidence_store import (  # noqa: F401  (collected here with the PG fixture)
    test_citation_styles_carry_archive_and_removal,
    test_provenance_and_warc_reference_are_stored,
    test_removal_and_return_are_appended_status_events,
    test_repost_cluster_names_earliest_copy,
    test_soft_404_capture_never_becomes_a_version,
    test_verify_names_tampered_raw_hit_and_warc,
)
from tests.unit.test_store import (  # noqa: F401
    test_changed_content_is_new_version_old_kept,
    test_error_capture_is_recorded_and_linked,
    test_filters,
    test_same_content_again_adds_capture_only,
    test_store_and_query_hit_traces_to_raw_file,
    test_timeout_without_body_is_recorded,
    test_web_archive_copy_and_pdf_page_are_cited,
)


def _seeded(url: str) -> tuple[Engine, int]:
    engine = open_database(url)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("demo", "示例新闻网", "state_media", "zh", "listing"))
        run = start_run(session, ["demo"])
    return engine, run


@pytest.fixture()
def db(pg_url: str) -> Iterator[tuple[Engine, RawStore, int]]:
    """tests/unit/test_store.py's fixture, on a fresh PostgreSQL database."""
    engine, run = _seeded(pg_url)
    yield engine, RawStore(data_dir_for(pg_url)), run
    engine.dispose()


@pytest.fixture()
def store(pg_url: str) -> Iterator[tuple[Engine, RawStore, int, WarcSink]]:
    """tests/unit/test_evidence_store.py's fixture, on a fresh PostgreSQL database."""
    engine, run = _seeded(pg_url)
    warc = WarcSink(data_dir_for(pg_url), f"run-{run}-demo", {"software": "test"})
    yield engine, RawStore(data_dir_for(pg_url)), run, warc
    warc.close()
    engine.dispose()


def test_backend_is_postgresql(db: tuple[Engine, RawStore, int]) -> None:
    assert db[0].dialect.name == "postgresql" and db[0].dialect.driver == "psycopg"
