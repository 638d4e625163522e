"""tests/unit/test_migrations.py on PostgreSQL, plus what only PostgreSQL enforces."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, inspect, select

from db.engine import driver_url, open_database, session_scope
from db.models import Capture
from db.store import SourceInfo, ensure_source
from tests.unit.test_migrations import check_upgrade_keeps_every_row, schema_differences


@pytest.mark.parametrize("stamped", [True, False], ids=["stamped", "before-migrations"])
def test_upgrade_from_first_release_keeps_every_row(pg_url: str, stamped: bool) -> None:
    check_upgrade_keeps_every_row(pg_url, stamped=stamped)
    engine = create_engine(driver_url(pg_url))
    with engine.connect() as conn:
        types = {c["name"]: str(c["type"]) for c in inspect(conn).get_columns("captures")}
        assert "search_tokens" in inspect(conn).get_table_names()
    engine.dispose()
    assert (types["warc_offset"], types["warc_length"], types["size"]) == ("BIGINT",) * 3


def test_new_database_matches_models_and_takes_offsets_past_2gib(pg_url: str) -> None:
    engine = open_database(pg_url)
    assert schema_differences(pg_url) == []
    with session_scope(engine) as session:
        source = ensure_source(session, SourceInfo("demo", "示范", "state_media", "zh", "listing"))
        session.add(Capture(source_id=source.id, kind="article", url="u", final_url="u",
                            fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
                            warc_offset=5_000_000_000, size=3_000_000_000))
    with session_scope(engine) as session:
        capture = session.scalars(select(Capture)).one()
        assert (capture.warc_offset, capture.size) == (5_000_000_000, 3_000_000_000)
        assert capture.fetched_at == datetime(2024, 1, 1, tzinfo=UTC)
    engine.dispose()
