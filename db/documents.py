"""A document's page: its versions, status history and where its raw bytes are."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db.clock import utc_iso
from db.current import current_flagged, current_lexicon
from db.hits import current_text, describe_ocr
from db.models import Capture, Document, Version


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
        id=version.id, sha256=version.sha256, created_at=utc_iso(version.created_at),
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
                      utc_iso(r.observed_at)) for r in rows]


def document_detail(session: Session, document_id: int) -> DocumentDetail | None:
    """Return a document with its versions (oldest first) and status history."""
    doc = session.get(Document, document_id)
    if doc is None:
        return None
    removed = getattr(doc, "removed_at", None)
    return DocumentDetail(
        id=doc.id, url=doc.url, source=doc.source.slug, kind=doc.source.kind,
        publisher=doc.source.publisher, status=doc.status or "live",
        first_seen_at=utc_iso(doc.first_seen_at), last_seen_at=utc_iso(doc.last_seen_at),
        removed_at=utc_iso(removed) if removed else None,
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

