"""Named read queries shared by the CLI, reports and (later) the web UI."""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, Select, and_, case, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased

from db.duplicates import HostDuplicate, duplicate_hosts
from db.models import (
    Capture,
    CrawlRun,
    Document,
    Extraction,
    Hit,
    Redetection,
    Review,
    Source,
    StatusEvent,
    Version,
)
from pipelines.text.types import OcrRecord

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
    # the re-extraction (extractions.id) whose text the offsets refer to; None: the version's
    extraction_id: int | None = None
    # the transfer event's slots that fired, {slot: [values]} in the detector's order ({}: none)
    slots: dict[str, list[str]] = field(default_factory=dict)
    # the OCR engine that read the sentence's page, a page without a text layer ("tesseract
    # 5.3.0 chi_sim+chi_tra"); None: the text is the document's own
    ocr: str | None = None

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


def current_extraction() -> Any:
    """The extraction holding a version's current text and hits (NULL: the version's own)."""
    return _latest_redetection(Redetection.extraction_id)


def current_extractor_version() -> Any:
    """The EXTRACTOR_VERSION that produced (or last confirmed) a version's current text."""
    return func.coalesce(_latest_redetection(Redetection.extractor_version),
                         Version.extractor_version)


def is_current_hit() -> Any:
    """A hit of its version's newest detection: that lexicon, found in that text."""
    return and_(Hit.lexicon_version == current_lexicon(),
                Hit.extraction_id.is_not_distinct_from(current_extraction()))


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


def _hits_select() -> Select[tuple[Hit, Version, Document, Source, Capture, Review,
                                   Extraction]]:
    first = aliased(Capture)
    return (
        select(Hit, Version, Document, Source, first, Review, Extraction)
        .join(Version, Hit.version_id == Version.id)
        .join(Document, Hit.document_id == Document.id)
        .join(Source, Document.source_id == Source.id)
        .join(first, Version.first_capture_id == first.id)
        .outerjoin(Review, _latest_review_join())
        .outerjoin(Extraction, Hit.extraction_id == Extraction.id)
    )


def _hit_published() -> Any:
    """The publication date read from the text the hit was found in."""
    return case((Hit.extraction_id.is_(None), Version.published_at),
                else_=Extraction.published_at)


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
        query = query.where(_hit_published() >= f.date_from)
    if f.date_to:
        query = query.where(_hit_published() <= f.date_to)
    if f.min_score is not None:
        query = query.where(Hit.score >= f.min_score)
    if f.review == UNREVIEWED:
        query = query.where(Review.id.is_(None))
    elif f.review:
        query = query.where(Review.status == f.review)
    if f.version_ids is not None:
        query = query.where(Hit.version_id.in_(f.version_ids))
    if not f.all_lexicons:
        query = query.where(is_current_hit())
    return query


def ocr_engine(stored: str | None, page: int | None) -> str | None:
    """The OCR engine that read ``page`` (per a stored ``ocr`` record), or None."""
    record = OcrRecord.from_json(stored)
    return record.engine if record and page in record.pages else None


def describe_ocr(stored: str | None) -> str | None:
    """What OCR did to a text, for analysts: pages read and by which engine, what it left."""
    from pipelines.text.pdflines import page_ranges  # only here: commands that search skip it

    record = OcrRecord.from_json(stored)
    if record is None:
        return None
    read = (f"{page_ranges(record.pages).capitalize()} had no text layer and "
            f"{'were' if len(record.pages) > 1 else 'was'} read by OCR ({record.engine}): "
            "quotes from them are a machine's reading of the page image; check them against "
            "the archived copy" if record.pages else "")
    return "; ".join(part for part in (read, record.note) if part)


def page_of(page_starts: list[int], offset: int) -> int | None:
    """Return the 1-based PDF page holding ``offset``, or None for documents without pages."""
    if not page_starts:
        return None
    return bisect.bisect_right(page_starts, offset)


def _view(
    hit: Hit, version: Version, doc: Document, source: Source, cap: Capture,
    review: Review | None = None, extraction: Extraction | None = None,
) -> HitView:
    read: Version | Extraction = extraction or version  # metadata of the hit's text
    page = page_of(json.loads(read.page_starts or "[]"), hit.start)
    return HitView(
        id=hit.id, url=doc.url, title=read.title,
        publisher=read.publisher or source.publisher, origin=read.origin,
        editor=read.editor, doc_number=read.doc_number,
        published_at=read.published_at.isoformat() if read.published_at else None,
        retrieved_at=_utc_iso(cap.fetched_at), sha256=version.sha256, raw_path=cap.raw_path,
        sentence=hit.sentence, start=hit.start, end=hit.end, terms=json.loads(hit.terms),
        categories=json.loads(hit.categories), companies=json.loads(hit.companies),
        score=hit.score, lexicon_version=hit.lexicon_version, language=read.language,
        script=read.script, source=source.slug, kind=source.kind, document_id=doc.id,
        version_id=version.id, capture_id=cap.id,
        page=page, archive_url=cap.archive_url, archive_timestamp=cap.archive_timestamp,
        review_status=review.status if review else None,
        review_note=review.note if review else None,
        reviewer=review.reviewer if review else None,
        reviewed_at=_utc_iso(review.reviewed_at) if review else None,
        extraction_id=hit.extraction_id, slots=json.loads(hit.slots or "{}"),
        ocr=ocr_engine(read.ocr, page),
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


@dataclass(frozen=True)
class TextRecord:
    """One text of a version that hits point into: its own, or a later re-extraction."""

    version_id: int
    extraction_id: int | None
    text: str
    title: str | None
    extractor: str
    extractor_version: str
    language: str
    ocr: str | None = None  # the text's stored OCR record (JSON), if any page had no text layer


def text_record(session: Session, version_id: int, extraction_id: int | None
                ) -> TextRecord | None:
    """The version's own text (``extraction_id`` None) or one of its re-extractions."""
    row: Version | Extraction | None = (session.get(Version, version_id) if extraction_id is None
                                        else session.get(Extraction, extraction_id))
    if row is None or (isinstance(row, Extraction) and row.version_id != version_id):
        return None
    return TextRecord(version_id, extraction_id, row.text, row.title, row.extractor,
                      row.extractor_version, row.language, row.ocr)


def current_text(session: Session, version_id: int) -> TextRecord | None:
    """The text a version's current hits point into (its newest re-extraction, else its own)."""
    extraction_id = session.scalar(select(current_extraction()).where(Version.id == version_id))
    return text_record(session, version_id, extraction_id)


def version_text(session: Session, version_id: int) -> str:
    """Return the current text of a version: the one its current hits point into."""
    found = current_text(session, version_id)
    return found.text if found else ""


def hit_text(session: Session, hit: HitView) -> str:
    """Return the text a hit's offsets refer to (also for hits since superseded)."""
    found = text_record(session, hit.version_id, hit.extraction_id)
    return found.text if found else ""


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
        .where(is_current_hit())
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
    """Current title and text of each version (its newest re-extraction's, else its own)."""
    found: dict[int, tuple[str, str]] = {}
    own = Extraction.id.is_(None)
    query = (select(Version.id, case((own, Version.title), else_=Extraction.title),
                    case((own, Version.text), else_=Extraction.text))
             .outerjoin(Extraction, Extraction.id == current_extraction()))
    if session.scalar(select(Extraction.id).limit(1)) is None:  # nothing re-extracted: no join
        query = select(Version.id, Version.title, Version.text)
    for chunk in _chunks(ids):
        rows = session.execute(query.where(Version.id.in_(chunk or [])))
        found.update({vid: (title or "", body) for vid, title, body in rows})
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
    extraction_id: int | None = None  # the current text is this re-extraction
    extractor_version: str = ""
    ocr: str | None = None  # what OCR read or left of pages without a text layer (describe_ocr)


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
    text = current_text(session, version.id)
    return VersionRow(
        id=version.id, sha256=version.sha256, created_at=_utc_iso(version.created_at),
        title=text.title if text else version.title,
        published_at=version.published_at.isoformat() if version.published_at else None,
        extractor=text.extractor if text else version.extractor,
        lexicon_version=lexicon or version.lexicon_version,
        flagged=bool(flagged), content_type=first.content_type if first else None,
        charset=first.charset if first else None, captures=captures,
        extraction_id=text.extraction_id if text else None,
        extractor_version=text.extractor_version if text else version.extractor_version,
        ocr=describe_ocr(text.ocr if text else version.ocr),
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
