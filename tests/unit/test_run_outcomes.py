"""A run that only finds stored pages again: counted as seen again, not as a broken source."""

from __future__ import annotations

from pathlib import Path

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.queries import run_summary
from db.rawstore import RawStore
from db.runs import get_run, source_outcomes
from db.store import SourceInfo, ensure_source, start_run, store_batch
from tests.unit.test_store import record

URL = "http://demo.evidence.test/xinwen/a.html"


def test_a_recheck_answered_not_modified_is_seen_again(tmp_path: Path) -> None:
    url = resolve_db_url(str(tmp_path / "e.db"))
    engine, raw = open_database(url), RawStore(data_dir_for(url))
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("demo", "示例新闻网", "state_media", "zh", "listing",
                                          min_items=1))
        first = start_run(session, ["demo"])
        store_batch(session, raw, [record(b"<html>v1</html>", url=URL)], first)
    with session_scope(engine) as session:
        again = start_run(session, ["demo"])
        not_modified = record(None, url=URL, http_status=304, extracted=None, detection=None)
        store_batch(session, raw, [not_modified], again)
    with session_scope(engine) as session:
        run = get_run(session, again)
        assert run is not None
        [outcome] = source_outcomes(session, run)
        seen = run_summary(session, again).seen
    engine.dispose()
    assert (outcome.items, outcome.rechecked, outcome.below_minimum) == (0, 1, False)
    assert (seen.unchanged, seen.changed, seen.removed) == (1, 0, 0)
