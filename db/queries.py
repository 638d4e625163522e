"""Read queries for reports and the desk: run summaries, row counts, version facts, last runs."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from db.chunks import chunks
from db.clock import utc_iso
from db.current import (
    current_extraction,
    current_flagged,
    current_score,
    is_current_hit,
    latest_review_join,
)
from db.duplicates import HostDuplicate, duplicate_hosts
from db.filters import UNREVIEWED
from db.models import (
    Capture,
    CrawlRun,
    Document,
    Extraction,
    Hit,
    Review,
    Source,
    StatusEvent,
    Version,
)


@dataclass(frozen=True)
class SeenAgain:
    """What a run found of pages stored before it: the counts that show a rerun stores nothing."""

    already_stored: int = 0  # article links found again and not fetched (incremental run)
    unchanged: int = 0  # stored pages fetched again (re-checked) with the content already stored
    changed: int = 0  # stored pages that got a new version in this run
    removed: int = 0  # stored pages this run found gone


@dataclass(frozen=True)
class RunSummary:
    """What a crawl run fetched, stored and found."""

    run_id: int | None
    pages: int
    errors: dict[str, int]
    new_documents: int
    documents_total: int
    flagged_documents: int
    hits_by_category: dict[str, int]
    hits_total: int
    seen: SeenAgain = field(default_factory=SeenAgain)
    duplicates: tuple[HostDuplicate, ...] = ()  # identical bodies under a second host or port


def seen_again(session: Session, run_id: int, captures: list[Capture]) -> SeenAgain:
    """Count a run's already-stored links, unchanged and changed pages and removals."""
    run = session.get(CrawlRun, run_id)
    skipped = int(json.loads(run.stats or "{}").get("evidence/skipped_known", 0)) if run else 0
    ids = {c.id for c in captures}
    new_versions = {v.id: v.document_id for v in session.scalars(
        select(Version).where(Version.first_capture_id.in_(ids)))}
    older = set(session.scalars(select(Document.id).where(
        Document.id.in_({c.document_id for c in captures if c.document_id}),
        Document.first_seen_at < _run_start(session, run_id))))
    unchanged = sum(1 for c in captures if c.kind == "article" and c.document_id in older
                    and not (c.error or c.gone) and c.version_id not in new_versions)
    removed = session.scalar(select(func.count()).select_from(StatusEvent).where(
        StatusEvent.capture_id.in_(ids), StatusEvent.status == "removed")) or 0
    changed = len({doc for doc in new_versions.values() if doc in older})
    return SeenAgain(skipped, unchanged, changed, removed)


def run_summary(session: Session, run_id: int | None) -> RunSummary:
    """Summarise one run (or everything when ``run_id`` is None)."""
    captures = select(Capture)
    if run_id is not None:
        captures = captures.where(Capture.run_id == run_id)
    rows = list(session.scalars(captures))
    errors = Counter((c.error or "").split(":")[0] for c in rows if c.error)
    version_ids = {c.version_id for c in rows if c.version_id}
    hits = list(session.scalars(select(Hit).where(Hit.version_id.in_(version_ids))))
    categories: Counter[str] = Counter()
    for hit in hits:
        categories.update(json.loads(hit.categories))
    new_docs = (
        session.scalar(select(func.count()).select_from(Document).where(
            Document.id.in_(select(Capture.document_id).where(Capture.run_id == run_id)),
            Document.first_seen_at >= _run_start(session, run_id)))
        if run_id is not None else None
    )
    flagged = session.scalar(select(func.count(func.distinct(Version.document_id)))
                             .where(Version.id.in_(version_ids), Version.flagged))
    return RunSummary(
        run_id=run_id, pages=len(rows), errors=dict(errors.most_common()),
        new_documents=new_docs if new_docs is not None else 0,
        documents_total=session.scalar(select(func.count()).select_from(Document)) or 0,
        flagged_documents=flagged or 0, hits_by_category=dict(categories.most_common()),
        hits_total=len(hits),
        seen=seen_again(session, run_id, rows) if run_id is not None else SeenAgain(),
        duplicates=tuple(duplicate_hosts(session, run_id)),
    )


def _run_start(session: Session, run_id: int) -> datetime:
    run = session.get(CrawlRun, run_id)
    return run.started_at if run else datetime.min


def counts(session: Session) -> dict[str, int]:
    """Return row counts of the main tables."""
    tables = {"documents": Document, "captures": Capture, "versions": Version, "hits": Hit}
    return {
        name: session.scalar(select(func.count()).select_from(model)) or 0
        for name, model in tables.items()
    }


# --- analyst's desk (issue 5): facts for search facets, document pages, read-only access


@dataclass(frozen=True)
class VersionFacts:
    """What search shows and facets count about one version and its current hits."""

    version_id: int
    document_id: int
    url: str
    title: str | None
    publisher: str | None
    published_at: date | None
    language: str
    flagged: bool
    score: float
    source: str
    kind: str
    hits: int = 0
    categories: frozenset[str] = frozenset()
    companies: frozenset[str] = frozenset()
    reviews: frozenset[str] = frozenset()  # REVIEW_STATES of its hits, plus UNREVIEWED


def _id_lists(ids: Collection[int] | None) -> list[list[int] | None]:
    """``ids`` in ascending chunks a statement can take; [None] for every version."""
    return [None] if ids is None else list(chunks(sorted(ids)))


def _version_rows(session: Session, ids: list[int] | None) -> list[VersionFacts]:
    query = (
        select(Version.id, Version.document_id, Document.url, Version.title,
               func.coalesce(Version.publisher, Source.publisher), Version.published_at,
               Version.language, current_flagged(), current_score(), Source.slug, Source.kind)
        .join(Document, Version.document_id == Document.id)
        .join(Source, Document.source_id == Source.id)
    )
    if ids is not None:
        query = query.where(Version.id.in_(ids))
    return [VersionFacts(version_id=r[0], document_id=r[1], url=r[2], title=r[3],
                         publisher=r[4], published_at=r[5], language=r[6], flagged=bool(r[7]),
                         score=float(r[8] or 0), source=r[9], kind=r[10])
            for r in session.execute(query)]


def hit_facts(session: Session, ids: list[int] | None) -> dict[int, list[tuple[Any, ...]]]:
    """(categories, companies, latest review status) of each current hit, by version id."""
    query = (
        select(Hit.version_id, Hit.categories, Hit.companies, Review.status)
        .join(Version, Hit.version_id == Version.id)
        .outerjoin(Review, latest_review_join())
        .where(is_current_hit())
    )
    if ids is not None:
        query = query.where(Hit.version_id.in_(ids))
    found: dict[int, list[tuple[Any, ...]]] = {}
    for row in session.execute(query):
        found.setdefault(row[0], []).append(tuple(row[1:]))
    return found


def _with_hits(facts: VersionFacts, hits: list[tuple[Any, ...]]) -> VersionFacts:
    categories = {c for cats, _, _ in hits for c in json.loads(cats)}
    companies = {c for _, comps, _ in hits for c in json.loads(comps)}
    reviews = {status or UNREVIEWED for _, _, status in hits}
    return replace(facts, hits=len(hits), categories=frozenset(categories),
                   companies=frozenset(companies), reviews=frozenset(reviews))


def version_facts(session: Session, ids: Collection[int] | None = None) -> list[VersionFacts]:
    """Facts of the given versions (every version when ``ids`` is None)."""
    out: list[VersionFacts] = []
    for chunk in _id_lists(ids):
        hits = hit_facts(session, chunk)
        out.extend(_with_hits(f, hits.get(f.version_id, [])) for f in _version_rows(session, chunk))
    return out


def version_titles(session: Session, ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """Current title and text of each version (its newest re-extraction's, else its own)."""
    found: dict[int, tuple[str, str]] = {}
    own = Extraction.id.is_(None)
    query = (select(Version.id, case((own, Version.title), else_=Extraction.title),
                    case((own, Version.text), else_=Extraction.text))
             .outerjoin(Extraction, Extraction.id == current_extraction()))
    if session.scalar(select(Extraction.id).limit(1)) is None:  # nothing re-extracted: no join
        query = select(Version.id, Version.title, Version.text)
    for chunk in _id_lists(ids):
        rows = session.execute(query.where(Version.id.in_(chunk or [])))
        found.update({vid: (title or "", body) for vid, title, body in rows})
    return found



def open_read_only(path: str) -> Engine:
    """An engine that can only read the SQLite file at ``path`` (WAL readers never block)."""
    from db.engine import make_engine, resolve_db_url

    return make_engine(resolve_db_url(path), read_only=True)


@dataclass(frozen=True)
class SourceRunView:
    """A source's most recent crawl run: when it ran and how many documents it captured."""

    run_id: int
    started_at: str
    status: str
    items: int  # article captures without error in that run


def source_last_runs(session: Session) -> dict[str, SourceRunView]:
    """Return, per source slug, its most recent run and the items that run captured."""
    found: dict[str, SourceRunView] = {}
    sources = {s.id: s.slug for s in session.scalars(select(Source))}
    for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())):
        slugs = [s for s in json.loads(run.sources or "[]") if s not in found]
        for slug in slugs:
            found[slug] = SourceRunView(run.id, utc_iso(run.started_at), run.status, 0)
        if len(found) == len(sources):
            break
    ok = (
        select(Capture.source_id, Capture.run_id, func.count())
        .where(Capture.kind == "article", Capture.error.is_(None))
        .group_by(Capture.source_id, Capture.run_id)
    )
    for source_id, run_id, items in session.execute(ok):
        view = found.get(sources.get(source_id, ""))
        if view is not None and view.run_id == run_id:
            found[sources[source_id]] = SourceRunView(view.run_id, view.started_at, view.status,
                                                      int(items))
    return found
