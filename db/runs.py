"""Crawl runs: start and close them, find killed ones, and read what a run produced."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.models import Capture, CrawlRun, Document, Hit, Source, Version
from db.store import start_run


def begin_run(session: Session, slugs: Sequence[str], pid: int,
              heartbeat_key: str | None = None) -> int:
    """Start a run owned by process ``pid`` (a shared-queue worker: by its heartbeat key)."""
    run_id = start_run(session, slugs)
    run = session.get(CrawlRun, run_id)
    assert run is not None
    run.pid = pid
    if heartbeat_key:
        run.stats = json.dumps({"queue_worker": heartbeat_key})
    return run_id


def _queue_worker(run: CrawlRun) -> str | None:
    value = json.loads(run.stats or "{}").get("queue_worker")
    return str(value) if value else None


def close_abandoned_runs(session: Session,
                         alive: Callable[[str], bool] | None = None) -> list[int]:
    """Mark runs still 'running' whose process is gone as 'killed'.

    Without ``alive`` (a single-machine crawl, holding the crawl lock) that is every running
    run except those of shared-queue workers; with it, the workers' runs whose heartbeat key
    ``alive`` no longer finds.
    """
    stale = []
    for run in session.scalars(select(CrawlRun).where(CrawlRun.status == "running")):
        worker = _queue_worker(run)
        if (worker is None and alive is None) or (worker and alive and not alive(worker)):
            run.status = "killed"
            stale.append(run.id)
    return stale


def parse_failures(stats: dict[str, Any]) -> int:
    """How many callbacks of a crawl stopped on an error, so their later links went unfollowed."""
    return int(stats.get("spider_exceptions/count", 0))


def crawl_status(stats: dict[str, Any], reason: str | None = "finished") -> str:
    """A crawl that ended by itself with every page parsed to its end is 'finished', else
    'incomplete' (a callback that raised lost what its page still linked to)."""
    return "finished" if reason in ("finished", None) and not parse_failures(stats) \
        else "incomplete"


def known_document_urls(session: Session, source_slug: str) -> set[str]:
    """Return the canonical URLs of every stored document of a source."""
    query = select(Document.url).join(Source).where(Source.slug == source_slug)
    return set(session.scalars(query))


def document_stored(session: Session, url: str) -> bool:
    """Whether a document with this canonical URL is stored (by any source)."""
    return session.scalar(select(Document.id).where(Document.url == url).limit(1)) is not None


@dataclass(frozen=True)
class RunRow:
    """One line of `evidence runs`."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    sources: list[str]
    stats: dict[str, Any]

    @property
    def duration_s(self) -> float | None:
        """Seconds from start to finish, if finished."""
        if self.finished_at is None:
            return None
        return (_aware(self.finished_at) - _aware(self.started_at)).total_seconds()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def list_runs(session: Session, limit: int = 20) -> list[RunRow]:
    """Return the most recent runs, newest first."""
    runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit))
    return [_row(run) for run in runs]


def get_run(session: Session, run_id: int | None = None) -> RunRow | None:
    """Return one run (default: the latest)."""
    query = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)
    if run_id is not None:
        query = select(CrawlRun).where(CrawlRun.id == run_id)
    run = session.scalar(query)
    return _row(run) if run else None


def _row(run: CrawlRun) -> RunRow:
    return RunRow(
        id=run.id, started_at=run.started_at, finished_at=run.finished_at, status=run.status,
        sources=json.loads(run.sources or "[]"), stats=json.loads(run.stats or "{}"),
    )


@dataclass
class SourceOutcome:
    """What one source produced in one run."""

    slug: str
    publisher: str
    min_items: int
    items: int = 0  # article pages fetched and stored with text in this run
    skipped_known: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    rechecked: int = 0  # stored pages re-checked and answered "not modified" (seen again)

    @property
    def below_minimum(self) -> bool:
        """True when the source produced fewer items than its file promises."""
        return self.items + self.skipped_known + self.rechecked < self.min_items


def source_outcomes(session: Session, run: RunRow) -> list[SourceOutcome]:
    """Return items and errors per source of a run, for every source the run crawled."""
    sources = {s.slug: s for s in session.scalars(select(Source).where(
        Source.slug.in_(run.sources)))}
    outcomes = {slug: SourceOutcome(slug, src.publisher, src.min_items)
                for slug, src in sources.items()}
    query = (select(Source.slug, Capture.kind, Capture.error, Capture.version_id,
                    Capture.document_id)
             .join(Source, Capture.source_id == Source.id).where(Capture.run_id == run.id))
    for slug, kind, error, version_id, document_id in session.execute(query):
        outcome = outcomes.get(slug)
        if outcome is None:
            continue
        if error:
            outcome.errors[error.split(":")[0]] += 1
        elif kind == "article" and version_id is not None:
            outcome.items += 1
        elif kind == "article" and document_id is not None:  # a 304 to a re-check
            outcome.rechecked += 1
    for slug, outcome in outcomes.items():
        outcome.skipped_known = int(run.stats.get(f"skipped_known/{slug}", 0))
    return sorted(outcomes.values(), key=lambda o: o.slug)


def new_hit_rows(session: Session, run_id: int) -> list[tuple[Hit, Version, Document, Source]]:
    """Return hits first found in this run (their version's first capture is in the run)."""
    first = aliased(Capture)
    query = (
        select(Hit, Version, Document, Source)
        .join(Version, Hit.version_id == Version.id)
        .join(first, Version.first_capture_id == first.id)
        .join(Document, Hit.document_id == Document.id)
        .join(Source, Document.source_id == Source.id)
        .where(first.run_id == run_id)
        .order_by(Hit.score.desc(), Hit.id)
    )
    return [(row[0], row[1], row[2], row[3]) for row in session.execute(query)]


def changed_documents(session: Session, run_id: int) -> list[tuple[Document, Version]]:
    """Return documents that got a NEW version (not their first) in this run and carry hits."""
    first = aliased(Capture)
    query = (
        select(Document, Version)
        .join(Version, Version.document_id == Document.id)
        .join(first, Version.first_capture_id == first.id)
        .where(first.run_id == run_id)
    )
    out = []
    for document, version in session.execute(query):
        earlier = session.scalar(select(func.count()).select_from(Version).where(
            Version.document_id == document.id, Version.id < version.id))
        has_hits = session.scalar(select(func.count()).select_from(Hit).where(
            Hit.document_id == document.id))
        if earlier and has_hits:
            out.append((document, version))
    return out


def removed_documents(session: Session, run_id: int) -> list[tuple[Document, Capture]]:
    """Return documents with hits that this run found gone (404/410/soft-404/redirect home)."""
    if not hasattr(Capture, "gone"):
        return []
    query = (
        select(Document, Capture)
        .join(Capture, Capture.document_id == Document.id)
        .where(Capture.run_id == run_id, Capture.gone.is_not(None))
    )
    rows = []
    for document, capture in session.execute(query):
        if session.scalar(select(func.count()).select_from(Hit).where(
                Hit.document_id == document.id)):
            rows.append((document, capture))
    return rows
