"""Which runs the demo TSA's CA may vouch for (db/stamp_check.py): demo sources only, and
nothing when a run's source list is missing, empty or not JSON (a hand-edited row), nor a
render session's manifest (no run)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from db.engine import open_database, session_scope
from db.models import CrawlRun
from db.stamp_check import demo_run


@pytest.mark.parametrize(("sources", "demo"), [
    ('["demo-gov", "demo-xinwen"]', True),
    ('["demo-gov", "xinhua"]', False),
    ("[]", False),
    ("demo-gov", False),  # not JSON
    ('{"demo-gov": 1}', False),  # not a list of slugs
    ('[1, null]', False),
])
def test_only_runs_of_demo_sources_count(tmp_path: Path, sources: str, demo: bool) -> None:
    engine = open_database(str(tmp_path / "e.db"))
    with session_scope(engine) as session:
        session.add(CrawlRun(id=1, started_at=datetime.now(UTC), sources=sources))
        session.flush()
        assert demo_run(session, 1) is demo
        assert demo_run(session, 2) is False  # no such run
        assert demo_run(session, None) is False  # a render session's manifest
    engine.dispose()
