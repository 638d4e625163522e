"""Missed evidence: analysts mark documents the detector did not flag (found by search).

Marks are only appended (``document_reviews``): the newest row of a document is its state,
``missed`` (evidence the detector did not flag) or ``not_missed`` (an earlier mark withdrawn).
Each row keeps the version the analyst read and what the detector said about it then (lexicon
version and score), so a label stays readable after reprocessing changes the detection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.clock import utc_iso
from db.current import current_flagged, current_lexicon, current_score
from db.models import Document, DocumentReview, Source, Version
from db.review import MAX_NOTE, ReviewError

MISSED, NOT_MISSED = "missed", "not_missed"
MARK_STATES = (MISSED, NOT_MISSED)
ALIASES = {"not-missed": NOT_MISSED, "withdrawn": NOT_MISSED, "withdraw": NOT_MISSED}


@dataclass(frozen=True)
class MarkRow:
    """One recorded missed-evidence decision on a document."""

    id: int
    document_id: int
    version_id: int
    status: str
    category: str | None
    note: str
    reviewer: str
    reviewed_at: str
    lexicon_version: str
    score: float

    @property
    def label(self) -> str:
        """Status as analysts write it (not-missed)."""
        return self.status.replace("_", "-")


@dataclass(frozen=True)
class MarkedDocument:
    """A document whose newest mark has a given state, with what the lists show about it."""

    mark: MarkRow
    url: str
    title: str | None
    source: str
    kind: str
    language: str  # of the version the analyst read
    flagged_now: bool  # the document's newest version is flagged by its current detection


def normalise_mark(value: str) -> str:
    """The stored form of a mark status, or ReviewError."""
    status = value.strip().lower()
    status = ALIASES.get(status, status)
    if status not in MARK_STATES:
        raise ReviewError(f"unknown missed-evidence status {value!r} (use missed, not-missed)")
    return status


def normalise_category(value: str | None) -> str | None:
    """A category as stored (lower case, underscores), or None when not given."""
    if not value or not value.strip():
        return None
    category = re.sub(r"[\s-]+", "_", value.strip().lower())
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", category):
        raise ReviewError(f"not a category name: {value!r} (e.g. transfer, organised_transfer)")
    return category


def _row(review: DocumentReview) -> MarkRow:
    return MarkRow(review.id, review.document_id, review.version_id, review.status,
                   review.category, review.note, review.reviewer, utc_iso(review.reviewed_at),
                   review.lexicon_version, review.score)


def newest_version(session: Session, document_id: int) -> Version | None:
    """The document's most recently stored version."""
    query = (select(Version).where(Version.document_id == document_id)
             .order_by(Version.id.desc()).limit(1))
    return session.scalar(query)


def latest_mark(session: Session, document_id: int) -> DocumentReview | None:
    """The document's current missed-evidence decision, if any."""
    query = (select(DocumentReview).where(DocumentReview.document_id == document_id)
             .order_by(DocumentReview.id.desc()).limit(1))
    return session.scalar(query)


def _detection(session: Session, version_id: int) -> tuple[bool, float, str]:
    """(flagged, score, lexicon version) of a version's current detection."""
    row = session.execute(select(current_flagged(), current_score(), current_lexicon())
                          .where(Version.id == version_id)).one()
    return bool(row[0]), float(row[1] or 0.0), str(row[2])


def _check(session: Session, document_id: int, status: str, flagged: bool, note: str) -> None:
    """Refuse a mark that would not be a label: a flagged document, a missing note or mark."""
    if status == MISSED and flagged:
        raise ReviewError(f"document {document_id} is flagged by the detector: review its hits "
                          "instead (missed evidence is for documents it did not flag)")
    if status == MISSED and not note.strip():
        raise ReviewError("a missed-evidence mark needs a note saying where the evidence is "
                          "(--note)")
    current = latest_mark(session, document_id)
    if status == NOT_MISSED and (current is None or current.status != MISSED):
        raise ReviewError(f"document {document_id} is not marked as missed evidence")


def mark_document(session: Session, document_id: int, status: str, reviewer: str,
                  note: str = "", category: str | None = None,
                  at: datetime | None = None) -> MarkRow:
    """Append a missed-evidence decision on the document's newest version (caller commits)."""
    status = normalise_mark(status)
    version = newest_version(session, document_id) if session.get(Document, document_id) \
        else None
    if version is None:
        raise ReviewError(f"no document with id {document_id}")
    if not reviewer.strip():
        raise ReviewError("a review needs a reviewer name (--reviewer or $EVIDENCE_REVIEWER)")
    flagged, score, lexicon = _detection(session, version.id)
    _check(session, document_id, status, flagged, note)
    review = DocumentReview(
        document_id=document_id, version_id=version.id, status=status,
        category=normalise_category(category), note=note.strip()[:MAX_NOTE],
        reviewer=reviewer.strip()[:100], reviewed_at=at or datetime.now(UTC),
        lexicon_version=lexicon, score=score)
    session.add(review)
    session.flush()
    return _row(review)


def mark_history(session: Session, document_id: int) -> list[MarkRow]:
    """Every missed-evidence decision on a document, oldest first."""
    query = (select(DocumentReview).where(DocumentReview.document_id == document_id)
             .order_by(DocumentReview.id))
    return [_row(r) for r in session.scalars(query)]


def _newest_flagged() -> Any:
    """Whether the enclosing document's newest version is flagged now."""
    return (select(current_flagged()).where(Version.document_id == Document.id)
            .order_by(Version.id.desc()).limit(1).scalar_subquery())


def marked_documents(session: Session, status: str = MISSED) -> list[MarkedDocument]:
    """Documents whose newest mark has ``status``, oldest mark first."""
    newer = aliased(DocumentReview)
    latest = (select(func.max(newer.id)).where(newer.document_id == DocumentReview.document_id)
              .scalar_subquery())
    read = aliased(Version)
    query = (
        select(DocumentReview, Document.url, read.title, Source.slug, Source.kind,
               read.language, _newest_flagged())
        .join(Document, DocumentReview.document_id == Document.id)
        .join(Source, Document.source_id == Source.id)
        .join(read, DocumentReview.version_id == read.id)
        .where(DocumentReview.id == latest, DocumentReview.status == normalise_mark(status))
        .order_by(DocumentReview.id)
    )
    return [MarkedDocument(_row(r[0]), r[1], r[2], r[3], r[4], r[5], bool(r[6]))
            for r in session.execute(query)]
