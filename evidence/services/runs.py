"""Crawl runs as the command line tells of them: one run's counts with its best hits, and each
source's last run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.engine import open_database, session_scope
from db.filters import Filter
from db.hits import HitView, find_hits
from db.queries import RunSummary, run_summary


@dataclass(frozen=True)
class RunOutcome:
    """A run's counts, its best hits with their citations, and the database they are in."""

    summary: RunSummary
    best: list[tuple[HitView, str]]
    database: str


def summarise_run(db: str | None, run_id: int, top: int) -> RunOutcome:
    """The counts of run ``run_id`` and the ``top`` best hits of the database, cited."""
    from evidence.services.cite import full_citation

    engine = open_database(db, create=False)
    with session_scope(engine) as session:
        summary = run_summary(session, run_id)
        best = [(hit, full_citation(session, hit))
                for hit in (find_hits(session, Filter(limit=top)) if top else [])]
    database = str(engine.url.database or engine.url)
    engine.dispose()
    return RunOutcome(summary, best, database)


def last_runs(db: str | None) -> dict[str, Any] | None:
    """Return each source's last run from the database, read-only; None when its SQLite file
    does not exist yet. A file or server that is no evidence database is a StorageError."""
    from db.engine import resolve_db_url, sqlite_path
    from db.queries import source_last_runs

    path = sqlite_path(resolve_db_url(db))
    if path is not None and not path.exists():
        return None
    engine = open_database(db, create=False, read_only=True)
    try:
        with session_scope(engine) as session:
            return source_last_runs(session)
    finally:
        engine.dispose()
