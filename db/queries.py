"""Named read queries shared by the CLI, reports and (later) the web UI."""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, Select, and_, create_engine, event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased

from db.models import Capture, CrawlRun, Document, Hit, Redetection, Review, Source, Version

REVIEW_STATES = ("confirmed", "rejected", "needs_translation")
UNREVIEWED = "unreviewed"


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
    review: str | None = None  # a REVIEW_STATES value or "unreviewed"
    version_ids: tuple[int, ...] | None = None
    all_lexicons: bool = False  # also hits superseded by a newer lexicon's reprocessing


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
    page: int | None = None  # PDF page (1-based) the sentence starts on
    archive_url: str | None = None  # web-archive copy this text was fetched from
    archive_timestamp: str | None = None  # its 14-digit capture time (YYYYMMDDhhmmss)
    review_status: str | None = None  # latest review: confirmed | rejected | needs_translation
    review_note: str | None = None
    reviewer: str | None = None
    reviewed_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


def _utc_iso(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _latest_redetection(column: Any) -> Any:
    """The newest re-detection's ``column`` for the version in the enclosing query."""
    redo = aliased(Redetection)
    return (select(getattr(redo, column.key)).where(redo.version_id == Version.id)
            .order_by(redo.id.desc()).limit(1).scalar_subquery())


def current_lexicon() -> Any:
    """The lexicon version of a version's current hits (newest reprocessing, else the crawl)."""
    return func.coalesce(_latest_redetection(Redetection.lexicon_version), Version.lexicon_version)


def current_flagged() -> Any:
    """Whether a version is flagged by its newest detection."""
    return func.coalesce(_latest_redetection(Redetection.flagged), Version.flagged)


def current_score() -> Any:
    """A version's score by its newest detection."""
    return func.coalesce(_latest_redetection(Redetection.score), Version.score)


def _latest_review_join() -> Any:
    newer = aliased(Review)
    latest = select(func.max(newer.id)).where(newer.hit_id == Hit.id).scalar_subquery()
    return and_(Review.hit_id == Hit.id, Review.id == latest)


def _hits_select() -> Select[tuple[Hit, Version, Document, Source, Capture, Review]]:
    first = aliased(Capture)
    return (
        select(Hit, Version, Document, Source, first, Review)
        .join(Version, Hit.version_id == Version.id)
        .join(Document, Hit.document_id == Document.id)
        .join(Source, Document.source_id == Source.id)
        .join(first, Version.first_capture_id == first.id)
        .outerjoin(Review, _latest_review_join())
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
    if f.review == UNREVIEWED:
        query = query.where(Review.id.is_(None))
    elif f.review:
        query = query.where(Review.status == f.review)
    if f.version_ids is not None:
        query = query.where(Hit.version_id.in_(f.version_ids))
    if not f.all_lexicons:
        query = query.where(Hit.lexicon_version == current_lexicon())
    return query


def page_of(page_starts: list[int], offset: int) -> int | None:
    """Return the 1-based PDF page holding ``offset``, or None for documents without pages."""
    if not page_starts:
        return None
    return bisect.bisect_right(page_starts, offset)


def _view(
    hit: Hit, version: Version, doc: Document, source: Source, cap: Capture,
    review: Review | None = None,
) -> HitView:
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
        page=page_of(json.loads(version.page_starts or "[]"), hit.start),
        archive_url=cap.archive_url, archive_timestamp=cap.archive_timestamp,
        review_status=review.status if review else None,
        review_note=review.note if review else None,
        reviewer=review.reviewer if review else None,
        reviewed_at=_utc_iso(review.reviewed_at) if review else None,
    )


def find_hits(session: Session, f: HitFilter | None = None) -> list[HitView]:
    """Return hits matching the filter, best score first."""
    f = f or HitFilter()
    query = _apply_filter(_hits_select(), f).order_by(Hit.score.desc(), Hit.id)
    if f.limit:
        query = query.limit(f.limit)
    return [_view(*row) for row in session.execute(query)]


def iter_hits(
    session: Session, batch: int = 500, f: HitFilter | None = None
) -> Iterator[HitView]:
    """Yield every current hit (or those matching ``f``) in id order, streaming in batches."""
    last = 0
    base = _apply_filter(_hits_select(), f or HitFilter())
    while True:
        query = base.where(Hit.id > last).order_by(Hit.id).limit(batch)
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


def _chunks(ids: Collection[int] | None, size: int = 900) -> Iterator[list[int] | None]:
    if ids is None:
        yield None
        return
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


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


def _hit_facts(session: Session, ids: list[int] | None) -> dict[int, list[tuple[Any, ...]]]:
    query = (
        select(Hit.version_id, Hit.categories, Hit.companies, Review.status)
        .join(Version, Hit.version_id == Version.id)
        .outerjoin(Review, _latest_review_join())
        .where(Hit.lexicon_version == current_lexicon())
    )
    if ids is not None:
        query = query.where(Hit.version_id.in_(ids))
    found: dict[int, list[tuple[Any, ...]]] = {}
    for row in session.execute(query):
        found.setdefault(row[0], []).append(tuple(row[1:]))
    return found


def _with_hits(facts: VersionFacts, hits: list[tuple[Any, ...]]) -> VersionFacts:
    from dataclasses import replace

    categories = {c for cats, _, _ in hits for c in json.loads(cats)}
    companies = {c for _, comps, _ in hits for c in json.loads(comps)}
    reviews = {status or UNREVIEWED for _, _, status in hits}
    return replace(facts, hits=len(hits), categories=frozenset(categories),
                   companies=frozenset(companies), reviews=frozenset(reviews))


def version_facts(session: Session, ids: Collection[int] | None = None) -> list[VersionFacts]:
    """Facts of the given versions (every version when ``ids`` is None)."""
    out: list[VersionFacts] = []
    for chunk in _chunks(ids):
        hits = _hit_facts(session, chunk)
        out.extend(_with_hits(f, hits.get(f.version_id, [])) for f in _version_rows(session, chunk))
    return out


def version_titles(session: Session, ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """Title and text of each version, by id."""
    found: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids):
        query = select(Version.id, Version.title, Version.text).where(Version.id.in_(chunk or []))
        found.update({vid: (title or "", body) for vid, title, body in session.execute(query)})
    return found


@dataclass(frozen=True)
class VersionRow:
    """One version of a document as the document page lists it."""

    id: int
    sha256: str
    created_at: str
    title: str | None
    published_at: str | None
    extractor: str
    lexicon_version: str
    flagged: bool
    content_type: str | None
    charset: str | None
    captures: int


@dataclass(frozen=True)
class StatusRow:
    """One observed status change of a document (removal detection), when recorded."""

    status: str
    previous: str | None
    reason: str | None
    observed_at: str


@dataclass(frozen=True)
class DocumentDetail:
    """A document with its versions and status history."""

    id: int
    url: str
    source: str
    kind: str
    publisher: str
    status: str
    first_seen_at: str
    last_seen_at: str
    removed_at: str | None
    versions: list[VersionRow]
    status_history: list[StatusRow]


def _version_row(session: Session, version: Version) -> VersionRow:
    first = version.first_capture
    captures = session.scalar(select(func.count()).select_from(Capture)
                              .where(Capture.version_id == version.id)) or 0
    lexicon = session.scalar(select(current_lexicon()).where(Version.id == version.id))
    flagged = session.scalar(select(current_flagged()).where(Version.id == version.id))
    return VersionRow(
        id=version.id, sha256=version.sha256, created_at=_utc_iso(version.created_at),
        title=version.title,
        published_at=version.published_at.isoformat() if version.published_at else None,
        extractor=version.extractor, lexicon_version=lexicon or version.lexicon_version,
        flagged=bool(flagged), content_type=first.content_type if first else None,
        charset=first.charset if first else None, captures=captures,
    )


def _status_history(session: Session, document_id: int) -> list[StatusRow]:
    """Status events when the removal-detection table exists (older databases: none)."""
    from db import models

    event_model = getattr(models, "StatusEvent", None)
    if event_model is None:
        return []
    query = (select(event_model).where(event_model.document_id == document_id)
             .order_by(event_model.id))
    try:
        rows = list(session.scalars(query))
    except OperationalError:  # table not created in this (older) database
        session.rollback()
        return []
    return [StatusRow(r.status, getattr(r, "previous", None), getattr(r, "reason", None),
                      _utc_iso(r.observed_at)) for r in rows]


def document_detail(session: Session, document_id: int) -> DocumentDetail | None:
    """Return a document with its versions (oldest first) and status history."""
    doc = session.get(Document, document_id)
    if doc is None:
        return None
    removed = getattr(doc, "removed_at", None)
    return DocumentDetail(
        id=doc.id, url=doc.url, source=doc.source.slug, kind=doc.source.kind,
        publisher=doc.source.publisher, status=doc.status or "live",
        first_seen_at=_utc_iso(doc.first_seen_at), last_seen_at=_utc_iso(doc.last_seen_at),
        removed_at=_utc_iso(removed) if removed else None,
        versions=[_version_row(session, v) for v in doc.versions],
        status_history=_status_history(session, doc.id),
    )


@dataclass(frozen=True)
class RawCopy:
    """Where the stored bytes of a version are and how they were served."""

    sha256: str
    raw_path: str
    content_type: str | None
    charset: str | None


def raw_copy(session: Session, version_id: int) -> RawCopy | None:
    """The first capture's raw-bytes address of a version."""
    row = session.execute(
        select(Capture.sha256, Capture.raw_path, Capture.content_type, Capture.charset)
        .join(Version, Version.first_capture_id == Capture.id).where(Version.id == version_id)
    ).first()
    if row is None or not row[0] or not row[1]:
        return None
    return RawCopy(*row)


def _read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def open_read_only(path: str) -> Engine:
    """An engine that can only read the SQLite file at ``path`` (WAL readers never block)."""
    from urllib.parse import quote

    url = f"sqlite:///file:{quote(path)}?mode=ro&uri=true"
    engine = create_engine(url, future=True)
    event.listen(engine, "connect", _read_only_pragmas)
    return engine


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
            found[slug] = SourceRunView(run.id, _utc_iso(run.started_at), run.status, 0)
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
