"""Two crawl workers inserting the same row at once: the loser's transaction runs once more."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from db.engine import open_database, session_scope
from db.models import Source
from db.store import SourceInfo, ensure_source
from db.writer import _once_more_on_race

INFO = SourceInfo("demo-gov", "示范人社局（虚构）", "government", "zh", "listing")


def _insert_blindly(engine: Engine) -> None:
    """What a worker does after it found no row: insert, while the other worker already has."""
    with session_scope(engine) as session:
        session.add(Source(slug=INFO.slug, publisher=INFO.publisher, kind=INFO.kind,
                           language=INFO.language, strategy=INFO.strategy))


def test_lost_race_is_run_again_and_sees_the_winners_row(tmp_path: Path) -> None:
    engine = open_database(str(tmp_path / "e.db"))
    with session_scope(engine) as other_worker:
        ensure_source(other_worker, INFO)
    attempts: list[str] = []

    def attempt() -> int:
        attempts.append("try")
        if len(attempts) == 1:
            _insert_blindly(engine)
        with session_scope(engine) as session:
            return ensure_source(session, INFO).id

    assert _once_more_on_race(attempt) == 1 and len(attempts) == 2
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 1
    engine.dispose()


def test_a_second_conflict_is_not_hidden(tmp_path: Path) -> None:
    engine = open_database(str(tmp_path / "e.db"))
    with session_scope(engine) as session:
        ensure_source(session, INFO)
    with pytest.raises(IntegrityError):
        _once_more_on_race(lambda: _insert_blindly(engine))
    engine.dispose()
