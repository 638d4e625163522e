"""Write captures, documents, versions and hits: the only way data enters the database."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import utcnow
from db.models import (
    Capture,
    CrawlRun,
    Document,
    FingerprintBand,
    Hit,
    Source,
    StatusEvent,
    Version,
)
from db.rawstore import RawStore
from db.search import index  # noqa: F401  (registers the search index's flush listener)
from db.urls import canonical_url
from db.warc import WarcFetch, WarcRef, WarcSink
from pipelines.text.fingerprint import band_keys, minhash, to_hex
from pipelines.text.types import Detection, Extracted
from pipelines.text.types import Hit as DetectedHit


@dataclass(frozen=True)
class SourceInfo:
    """What the database keeps about a source definition."""

    slug: str
    publisher: str
    kind: str
    language: str
    strategy: str
    min_items: int = 0
    definition_path: str = ""


@dataclass
class CaptureRecord:
    """One fetch and everything the pipeline derived from it, ready to store."""

    source: str
    url: str
    final_url: str
    fetched_at: datetime
    kind: str = "article"
    http_status: int | None = None
    headers: dict[str, list[str]] = field(default_factory=dict)
    content_type: str | None = None
    body: bytes | None = None
    error: str | None = None
    extracted: Extracted | None = None
    detection: Detection | None = None
    gone: str | None = None  # removal signal of this fetch (pipelines.text.removal)
    # provenance: how the bytes were fetched
    method: str = "GET"
    request_headers: dict[str, list[str]] = field(default_factory=dict)
    protocol: str | None = None  # as the response reported it (e.g. "HTTP/1.1")
    crawler: str | None = None
    user_agent: str | None = None
    proxy: str | None = None
    segmenter: str | None = None  # the segmenter of the stored text, when it was segmented
    # a web-archive copy: ``url`` is the original address, these name the archived copy served
    archive_url: str | None = None
    archive_timestamp: str | None = None
    listing_meta: dict[str, str] = field(default_factory=dict)


@dataclass
class BatchResult:
    """Counts of what one stored batch added."""

    captures: int = 0
    new_documents: int = 0
    new_versions: int = 0
    new_hits: int = 0
    errors: int = 0
    removed: int = 0
    restored: int = 0

    def add(self, other: BatchResult) -> None:
        """Accumulate another batch's counts."""
        for name in ("captures", "new_documents", "new_versions", "new_hits", "errors",
                     "removed", "restored"):
            setattr(self, name, getattr(self, name) + getattr(other, name))



def ensure_source(session: Session, info: SourceInfo) -> Source:
    """Insert or refresh the row of a source definition."""
    row = session.scalar(select(Source).where(Source.slug == info.slug))
    if row is None:
        row = Source(slug=info.slug)
        session.add(row)
    row.publisher, row.kind, row.language = info.publisher, info.kind, info.language
    row.strategy, row.min_items = info.strategy, info.min_items
    row.definition_path = info.definition_path
    session.flush()
    return row


def start_run(session: Session, sources: Sequence[str]) -> int:
    """Record the start of a crawl run and return its id."""
    run = CrawlRun(started_at=utcnow(), sources=json.dumps(list(sources)), status="running")
    session.add(run)
    session.flush()
    return run.id


def finish_run(session: Session, run_id: int, status: str, stats: dict[str, object]) -> None:
    """Record the end, exit state and counters of a crawl run."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        return
    run.finished_at = utcnow()
    run.status = status
    merged = json.loads(run.stats or "{}")
    merged.update(stats)
    run.stats = json.dumps(merged, ensure_ascii=False, sort_keys=True, default=str)


def store_batch(
    session: Session, raw: RawStore, records: Sequence[CaptureRecord], run_id: int | None,
    warc: WarcSink | None = None,
) -> BatchResult:
    """Store a batch of captures in one transaction (the caller commits).

    With ``warc``, every fetch that got an HTTP answer is also appended to the WARC file, which
    is synced before this returns, so a committed capture never points to unwritten records.
    """
    result = BatchResult()
    sources = {s.slug: s for s in session.scalars(select(Source))}
    for record in records:
        source = sources.get(record.source)
        if source is None:
            raise ValueError(f"unknown source {record.source!r}: call ensure_source first")
        ref = _archive(warc, record)
        _store_one(session, raw, record, source, run_id, result, ref)
    if warc is not None:
        warc.sync()
    session.flush()
    return result


def _archive(warc: WarcSink | None, record: CaptureRecord) -> WarcRef | None:
    """Append the fetch's request and response records to the WARC file, if it had an answer."""
    if warc is None or record.http_status is None or record.body is None:
        return None
    return warc.write(WarcFetch(
        url=record.final_url, fetched_at=record.fetched_at, status=record.http_status,
        headers=record.headers, body=record.body, method=record.method,
        request_headers=record.request_headers, protocol=record.protocol,
    ))


def _store_one(
    session: Session,
    raw: RawStore,
    record: CaptureRecord,
    source: Source,
    run_id: int | None,
    result: BatchResult,
    ref: WarcRef | None = None,
) -> None:
    capture = _new_capture(raw, record, source, run_id, ref)
    session.add(capture)
    result.captures += 1
    result.errors += record.error is not None
    url = canonical_url(record.url)
    document = session.scalar(select(Document).where(Document.url == url))
    content = record.extracted is not None and record.detection is not None and capture.sha256
    if content and not record.gone:
        if document is None:
            document = Document(
                url=url, source=source, first_seen_at=record.fetched_at,
                last_seen_at=record.fetched_at, status="new",
            )
            session.add(document)
            result.new_documents += 1
        document.last_seen_at = max(document.last_seen_at, record.fetched_at, key=_aware)
        session.flush()
        _attach_version(session, capture, document, record, result)
        if document.status != "live":
            result.restored += document.status == "removed"
            _set_status(session, document, capture, "live", None, record.fetched_at)
    elif document is not None:
        capture.document = document
        if record.gone and document.status == "live":
            result.removed += 1
            _set_status(session, document, capture, "removed", record.gone, record.fetched_at)
    session.flush()


def _set_status(
    session: Session, document: Document, capture: Capture, status: str, reason: str | None,
    at: datetime,
) -> None:
    """Change a document's status and append the change to its status events."""
    session.flush()
    previous = None if document.status == "new" else document.status
    session.add(StatusEvent(document_id=document.id, capture_id=capture.id, status=status,
                            previous=previous, reason=reason, observed_at=at))
    document.status = status
    document.removed_at = at if status == "removed" else None


def _aware(value: datetime) -> datetime:
    """Treat naive datetimes read back from SQLite as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _new_capture(
    raw: RawStore, record: CaptureRecord, source: Source, run_id: int | None,
    ref: WarcRef | None = None,
) -> Capture:
    digest = path = None
    if record.body:
        digest, path = raw.put(record.body)
    charset = record.extracted.charset if record.extracted else None
    charset_note = (record.extracted.charset_note or None) if record.extracted else None
    replaced = record.extracted.replaced_bytes if record.extracted and charset else None
    return Capture(
        run_id=run_id, source=source, kind=record.kind, url=record.url,
        final_url=record.final_url, fetched_at=record.fetched_at,
        http_status=record.http_status,
        headers=json.dumps(record.headers, ensure_ascii=False, sort_keys=True),
        content_type=record.content_type, charset=charset, charset_note=charset_note,
        replaced_bytes=replaced,
        sha256=digest, raw_path=path,
        size=len(record.body) if record.body is not None else None, error=record.error,
        gone=record.gone, method=record.method,
        request_headers=json.dumps(record.request_headers, ensure_ascii=False, sort_keys=True),
        crawler=record.crawler, user_agent=record.user_agent, proxy=record.proxy,
        warc_file=ref.file if ref else None, warc_record_id=ref.record_id if ref else None,
        warc_offset=ref.offset if ref else None, warc_length=ref.length if ref else None,
        archive_url=record.archive_url, archive_timestamp=record.archive_timestamp,
        listing_meta=json.dumps(record.listing_meta, ensure_ascii=False, sort_keys=True),
    )


def _attach_version(
    session: Session, capture: Capture, document: Document, record: CaptureRecord,
    result: BatchResult,
) -> None:
    capture.document = document
    version = session.scalar(
        select(Version).where(Version.document_id == document.id,
                              Version.sha256 == capture.sha256)
    )
    if version is None:
        version = _new_version(capture, document, record)
        session.add(version)
        session.flush()
        result.new_versions += 1
        result.new_hits += _add_hits(session, version, record.detection)
        _add_fingerprint(session, version)
    capture.version_id = version.id


def _add_fingerprint(session: Session, version: Version) -> None:
    """Store the version's near-duplicate fingerprint and its band keys."""
    signature = minhash(version.text)
    if not signature:
        return
    version.fingerprint = to_hex(signature)
    session.add_all(FingerprintBand(version_id=version.id, band=key)
                    for key in band_keys(signature))


def _new_version(capture: Capture, document: Document, record: CaptureRecord) -> Version:
    extracted, detection = record.extracted, record.detection
    assert extracted is not None and detection is not None and capture.sha256
    return Version(
        document=document, sha256=capture.sha256, first_capture=capture,
        created_at=record.fetched_at, title=extracted.title,
        published_at=extracted.published_at, publisher=extracted.publisher,
        origin=extracted.origin, editor=extracted.editor, author=extracted.author,
        doc_number=extracted.doc_number, language=detection.language,
        script=detection.script, text=extracted.text,
        page_starts=json.dumps(list(extracted.page_starts)), extractor=extracted.extractor,
        ocr=extracted.ocr.to_json() if extracted.ocr else None,
        lexicon_version=detection.lexicon_version, segmenter=record.segmenter,
        score=detection.score, flagged=detection.flagged,
    )


def _add_hits(session: Session, version: Version, detection: Detection | None) -> int:
    if detection is None:
        return 0
    for hit in detection.hits:
        session.add(Hit(
            version_id=version.id, document_id=version.document_id, start=hit.start,
            end=hit.end, sentence=hit.sentence,
            terms=json.dumps(list(hit.terms), ensure_ascii=False),
            categories=json.dumps(list(hit.categories), ensure_ascii=False),
            companies=json.dumps(list(hit.companies), ensure_ascii=False),
            score=hit.score, lexicon_version=hit.lexicon_version, slots=slots_json(hit),
        ))
    return len(detection.hits)


def slots_json(hit: DetectedHit) -> str:
    """The hit's event slots as stored: JSON {slot: [values]}, "{}" when none fired."""
    return json.dumps(hit.slot_dict(), ensure_ascii=False)

