"""Named read queries shared by the CLI, reports and (later) the web UI."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from db.models import Capture, CrawlRun, Document, Hit, Source, Version


@dataclass(frozen=True)
class HitFilter:
    """Conditions on hits; unset fields do not filter."""

    term: str | None = None
    category: str | None = None
    company: str | None = None
    source: str | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    min_score: float | None = None
    limit: int | None = None


@dataclass(frozen=True)
class HitView:
    """A hit with everything needed to cite it."""

    id: int
    url: str
    title: str | None
    publisher: str | None
    origin: str | None
    editor: str | None
    doc_number: str | None
    published_at: str | None
    retrieved_at: str
    sha256: str
    raw_path: str | None
    sentence: str
    start: int
    end: int
    terms: list[str]
    categories: list[str]
    companies: list[str]
    score: float
    lexicon_version: str
    language: str
    script: str
    source: str
    kind: str
    document_id: int
    version_id: int
    capture_id: int | None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


def _utc_iso(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hits_select() -> Select[tuple[Hit, Version, Document, Source, Capture]]:
    first = aliased(Capture)
    return (
        select(Hit, Version, Document, Source, first)
        .join(Version, Hit.version_id == Version.id)
        .join(Document, Hit.document_id == Document.id)
        .join(Source, Document.source_id == Source.id)
        .join(first, Version.first_capture_id == first.id)
    )


def _json_contains(column: Any, value: str) -> Any:
    return column.like("%" + json.dumps(value, ensure_ascii=False) + "%")


def _apply_filter(query: Select[Any], f: HitFilter) -> Select[Any]:
    if f.term:
        query = query.where(_json_contains(Hit.terms, f.term))
    if f.category:
        query = query.where(_json_contains(Hit.categories, f.category))
    if f.company:
        query = query.where(_json_contains(Hit.companies, f.company))
    if f.source:
        query = query.where(Source.slug == f.source)
    if f.kind:
        query = query.where(Source.kind == f.kind)
    if f.date_from:
        query = query.where(Version.published_at >= f.date_from)
    if f.date_to:
        query = query.where(Version.published_at <= f.date_to)
    if f.min_score is not None:
        query = query.where(Hit.score >= f.min_score)
    return query


def _view(hit: Hit, version: Version, doc: Document, source: Source, cap: Capture) -> HitView:
    return HitView(
        id=hit.id, url=doc.url, title=version.title,
        publisher=version.publisher or source.publisher, origin=version.origin,
        editor=version.editor, doc_number=version.doc_number,
        published_at=version.published_at.isoformat() if version.published_at else None,
        retrieved_at=_utc_iso(cap.fetched_at), sha256=version.sha256, raw_path=cap.raw_path,
        sentence=hit.sentence, start=hit.start, end=hit.end, terms=json.loads(hit.terms),
        categories=json.loads(hit.categories), companies=json.loads(hit.companies),
        score=hit.score, lexicon_version=hit.lexicon_version, language=version.language,
        script=version.script, source=source.slug, kind=source.kind, document_id=doc.id,
        version_id=version.id, capture_id=cap.id,
    )


def find_hits(session: Session, f: HitFilter | None = None) -> list[HitView]:
    """Return hits matching the filter, best score first."""
    f = f or HitFilter()
    query = _apply_filter(_hits_select(), f).order_by(Hit.score.desc(), Hit.id)
    if f.limit:
        query = query.limit(f.limit)
    return [_view(*row) for row in session.execute(query)]


def iter_hits(session: Session, batch: int = 500) -> Iterator[HitView]:
    """Yield every hit in id order, streaming in batches."""
    last = 0
    while True:
        query = _hits_select().where(Hit.id > last).order_by(Hit.id).limit(batch)
        rows = [_view(*row) for row in session.execute(query)]
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def get_hit(session: Session, hit_id: int) -> HitView | None:
    """Return one hit by id."""
    row = session.execute(_hits_select().where(Hit.id == hit_id)).first()
    return _view(*row) if row else None


def version_text(session: Session, version_id: int) -> str:
    """Return the stored text of a version."""
    return session.scalar(select(Version.text).where(Version.id == version_id)) or ""


def latest_run(session: Session) -> CrawlRun | None:
    """Return the most recent crawl run."""
    return session.scalar(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1))


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
