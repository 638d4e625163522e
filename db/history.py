"""Read the life of a document: its versions, status changes, and which pages to fetch again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.clock import utc_iso
from db.current import is_current_hit
from db.hits import current_text
from db.models import Capture, Document, Extraction, Hit, Source, StatusEvent, Version
from db.urls import canonical_url


@dataclass(frozen=True)
class RecheckTarget:
    """A stored page to fetch again, with the validators for a conditional GET."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


def documents_to_recheck(
    session: Session, source_slug: str, due_before: datetime | None = None
) -> list[RecheckTarget]:
    """Return documents with hits (live or removed) last fetched before ``due_before``."""
    with_hits = select(Hit.document_id).distinct()
    last_fetch = func.max(Capture.fetched_at)
    query = (
        select(Document.id, Document.url)
        .join(Source, Document.source_id == Source.id)
        .join(Capture, Capture.document_id == Document.id)
        .where(Source.slug == source_slug, Document.id.in_(with_hits),
               Document.status.in_(("live", "removed")))
        .group_by(Document.id, Document.url)
        .order_by(last_fetch, Document.id)
    )
    if due_before is not None:
        query = query.having(last_fetch < due_before.astimezone(UTC).replace(tzinfo=None))
    return [_target(session, doc_id, url) for doc_id, url in session.execute(query)]


def _target(session: Session, document_id: int, url: str) -> RecheckTarget:
    """Attach the ETag/Last-Modified of the document's latest fetch with content."""
    headers = session.scalar(
        select(Capture.headers).where(Capture.document_id == document_id,
                                      Capture.version_id.is_not(None))
        .order_by(Capture.id.desc()).limit(1))
    found = {k.lower(): v[0] for k, v in json.loads(headers or "{}").items() if v}
    return RecheckTarget(url, found.get("etag"), found.get("last-modified"))


@dataclass(frozen=True)
class ExtractionEntry:
    """One re-extraction of a version's raw bytes by a newer extractor."""

    id: int
    extractor_version: str
    extractor: str
    sha256: str  # of the text
    created_at: str
    current: bool  # the version's current hits were found in this text


@dataclass(frozen=True)
class VersionEntry:
    """One stored content of a document; ``text`` is the current text (the one its current
    hits point into): the newest re-extraction, else what the crawl extracted."""

    id: int
    sha256: str
    first_seen: str
    last_seen: str
    fetches: int
    title: str | None
    published_at: str | None
    hits: int
    extractor: str
    segmenter: str | None
    lexicon_version: str
    warc_record_id: str | None
    text: str
    extraction_id: int | None = None  # ``text`` is this re-extraction (None: the crawl's)
    extractions: tuple[ExtractionEntry, ...] = ()


@dataclass(frozen=True)
class StatusEntry:
    """One status change of a document, as observed."""

    observed_at: str
    status: str
    previous: str | None
    reason: str | None
    capture_id: int | None


@dataclass(frozen=True)
class History:
    """Everything stored about one URL over time."""

    url: str
    source: str
    status: str
    removed_at: str | None
    first_seen: str
    last_seen: str
    fetches: int
    versions: list[VersionEntry]
    events: list[StatusEntry]


def _extractions(session: Session, version_id: int, current: int | None
                 ) -> tuple[ExtractionEntry, ...]:
    rows = session.scalars(select(Extraction).where(Extraction.version_id == version_id)
                           .order_by(Extraction.id))
    return tuple(ExtractionEntry(e.id, e.extractor_version, e.extractor, e.sha256,
                                 utc_iso(e.created_at) or "", e.id == current) for e in rows)


def _version_entry(session: Session, version: Version) -> VersionEntry:
    seen = session.execute(
        select(func.min(Capture.fetched_at), func.max(Capture.fetched_at), func.count())
        .where(Capture.version_id == version.id)
    ).one()
    hits = session.scalar(select(func.count()).select_from(Hit)
                          .join(Version, Hit.version_id == Version.id)
                          .where(Hit.version_id == version.id, is_current_hit())) or 0
    first = version.first_capture
    text = current_text(session, version.id)
    extraction_id = text.extraction_id if text else None
    return VersionEntry(
        id=version.id, sha256=version.sha256, first_seen=utc_iso(seen[0] or version.created_at)
        or "", last_seen=utc_iso(seen[1] or version.created_at) or "", fetches=seen[2],
        title=text.title if text else version.title,
        published_at=version.published_at.isoformat() if version.published_at else None,
        hits=hits, extractor=text.extractor if text else version.extractor,
        segmenter=version.segmenter, lexicon_version=version.lexicon_version,
        warc_record_id=first.warc_record_id if first else None,
        text=text.text if text else version.text, extraction_id=extraction_id,
        extractions=_extractions(session, version.id, extraction_id),
    )


def status_events(session: Session, document_id: int) -> list[StatusEntry]:
    """Return a document's status changes in the order they were observed."""
    rows = session.scalars(select(StatusEvent).where(StatusEvent.document_id == document_id)
                           .order_by(StatusEvent.observed_at, StatusEvent.id))
    return [StatusEntry(utc_iso(e.observed_at) or "", e.status, e.previous, e.reason,
                        e.capture_id) for e in rows]


def document_history(session: Session, url: str) -> History | None:
    """Return the history of the document at ``url`` (any spelling of it), or None."""
    document = session.scalar(select(Document).where(Document.url == canonical_url(url)))
    if document is None:
        return None
    fetches = session.scalar(select(func.count()).select_from(Capture)
                             .where(Capture.document_id == document.id)) or 0
    return History(
        url=document.url, source=document.source.slug, status=document.status,
        removed_at=utc_iso(document.removed_at), first_seen=utc_iso(document.first_seen_at) or "",
        last_seen=utc_iso(document.last_seen_at) or "", fetches=fetches,
        versions=[_version_entry(session, v) for v in document.versions],
        events=status_events(session, document.id),
    )


@dataclass(frozen=True)
class Removal:
    """The current removal of a document: when first found gone, why, and the fetch showing it."""

    removed_at: str
    reason: str | None
    capture_id: int | None


def current_removal(session: Session, document_id: int) -> Removal | None:
    """Return the document's current removal, or None when it is live."""
    document = session.get(Document, document_id)
    if document is None or document.status != "removed":
        return None
    event = session.scalar(
        select(StatusEvent).where(StatusEvent.document_id == document_id,
                                  StatusEvent.status == "removed")
        .order_by(StatusEvent.id.desc()).limit(1)
    )
    return Removal(
        removed_at=utc_iso(document.removed_at) or "", reason=event.reason if event else None,
        capture_id=event.capture_id if event else None,
    )
