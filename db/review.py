"""Analyst review of hits: confirmed, rejected or needs translation, with a note.

Reviews are only appended (``reviews`` table): the newest row of a hit is its state, older
rows are its history. Reprocessing carries a decision over to the new hit of the same passage
(``carried_from_id`` points at the decision it copies).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import utc_iso
from db.filters import REVIEW_STATES
from db.models import Hit, Review

ALIASES = {"needs-translation": "needs_translation", "confirm": "confirmed",
           "reject": "rejected", "translate": "needs_translation"}
MAX_NOTE = 4000


class ReviewError(ValueError):
    """A review that cannot be recorded (unknown hit, status or missing reviewer)."""


@dataclass(frozen=True)
class ReviewRow:
    """One recorded decision."""

    id: int
    hit_id: int
    status: str
    note: str
    reviewer: str
    reviewed_at: str
    carried_from_id: int | None

    @property
    def label(self) -> str:
        """Status as analysts write it (needs-translation)."""
        return self.status.replace("_", "-")


def normalise_status(value: str) -> str:
    """The stored form of a status name, or ReviewError."""
    status = ALIASES.get(value.strip().lower(), value.strip().lower())
    if status not in REVIEW_STATES:
        allowed = ", ".join(s.replace("_", "-") for s in REVIEW_STATES)
        raise ReviewError(f"unknown review status {value!r} (use {allowed})")
    return status


def _row(review: Review) -> ReviewRow:
    return ReviewRow(review.id, review.hit_id, review.status, review.note, review.reviewer,
                     utc_iso(review.reviewed_at), review.carried_from_id)


def add_review(session: Session, hit_id: int, status: str, reviewer: str, note: str = "",
               at: datetime | None = None) -> ReviewRow:
    """Record a decision on a hit (the caller commits)."""
    if session.get(Hit, hit_id) is None:
        raise ReviewError(f"no hit with id {hit_id}")
    if not reviewer.strip():
        raise ReviewError("a review needs a reviewer name (--reviewer or $EVIDENCE_REVIEWER)")
    review = Review(hit_id=hit_id, status=normalise_status(status), note=note.strip()[:MAX_NOTE],
                    reviewer=reviewer.strip()[:100], reviewed_at=at or datetime.now(UTC))
    session.add(review)
    session.flush()
    return _row(review)


def history(session: Session, hit_id: int) -> list[ReviewRow]:
    """Every decision on a hit, oldest first."""
    query = select(Review).where(Review.hit_id == hit_id).order_by(Review.id)
    return [_row(r) for r in session.scalars(query)]


def latest(session: Session, hit_id: int) -> Review | None:
    """The hit's current decision, if any."""
    query = select(Review).where(Review.hit_id == hit_id).order_by(Review.id.desc()).limit(1)
    return session.scalar(query)


def recent(session: Session, status: str | None = None, limit: int = 100) -> list[ReviewRow]:
    """The newest decisions (all hits), optionally of one status."""
    query = select(Review).order_by(Review.id.desc()).limit(limit)
    if status:
        query = query.where(Review.status == normalise_status(status))
    return [_row(r) for r in session.scalars(query)]


def carry_over(session: Session, old_hit_id: int, new_hit_id: int) -> bool:
    """Copy the old hit's current decision to the new hit of the same passage."""
    source = latest(session, old_hit_id)
    if source is None or latest(session, new_hit_id) is not None:
        return False
    session.add(Review(hit_id=new_hit_id, status=source.status, note=source.note,
                       reviewer=source.reviewer, reviewed_at=source.reviewed_at,
                       carried_from_id=source.id))
    return True


def review_line(status: str | None, reviewer: str | None, reviewed_at: str | None) -> str:
    """The sentence a citation carries about its review, or '' when not reviewed."""
    if not status:
        return ""
    return f"[Review: {status.replace('_', '-')} by {reviewer or '?'}, {(reviewed_at or '')[:10]}.]"
