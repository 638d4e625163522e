"""Review decisions: a hit confirmed, rejected or needing translation, a document marked as
missed evidence; recorded from the command line or the desk, listed and shown with history."""

from __future__ import annotations

import getpass
import os
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from db.engine import session_scope

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from db.hits import HitView
    from db.missed import MarkedDocument, MarkRow
    from db.review import ReviewRow

MARK_FIELDS = ["document_id", "version_id", "status", "category", "note", "reviewer",
               "reviewed_at", "lexicon_version", "score", "source", "language", "flagged_now",
               "title", "url"]


def default_reviewer() -> str:
    """Who decides when nobody says: $EVIDENCE_REVIEWER, else the login name, else ''."""
    try:
        return os.environ.get("EVIDENCE_REVIEWER") or getpass.getuser()
    except (KeyError, OSError):
        return ""


def save_review(engine: Engine, hit_id: int, status: str, reviewer: str,
                note: str) -> ReviewRow:
    """Record a decision on a hit (db.review.ReviewError when it cannot be)."""
    from db.review import add_review

    with session_scope(engine) as session:
        return add_review(session, hit_id, status, reviewer, note)


def save_mark(engine: Engine, document_id: int, status: str, reviewer: str, note: str,
              category: str | None) -> MarkRow:
    """Mark a document as missed evidence, or withdraw the mark (status: db.missed's)."""
    from db.missed import mark_document

    with session_scope(engine) as session:
        return mark_document(session, document_id, status, reviewer, note, category)


def hit_citation(engine: Engine, hit_id: int) -> str | None:
    """The full citation of a hit as it now stands (its review included), None without it."""
    from db.hits import get_hit
    from evidence.services.cite import full_citation

    with session_scope(engine) as session:
        hit = get_hit(session, hit_id)
        return full_citation(session, hit) if hit is not None else None


def review_history(engine: Engine, hit_id: int) -> list[ReviewRow]:
    """Every decision on a hit, oldest first."""
    from db.review import history

    with session_scope(engine) as session:
        return history(session, hit_id)


def mark_row(found: MarkedDocument) -> dict[str, Any]:
    """A marked document as one flat row of ``MARK_FIELDS``."""
    return asdict(found.mark) | {"source": found.source, "language": found.language,
                                 "flagged_now": found.flagged_now, "title": found.title,
                                 "url": found.url}


def marked_rows(engine: Engine, status: str) -> list[dict[str, Any]]:
    """Documents whose newest missed-evidence mark is ``status``, as rows."""
    from db.missed import marked_documents

    with session_scope(engine) as session:
        found = marked_documents(session, status)
    return [mark_row(d) for d in found]


def reviewed_hits(engine: Engine, status: str | None) -> list[HitView]:
    """Hits whose latest review is ``status`` ('unreviewed': none yet); without one, every
    reviewed hit."""
    from db.filters import UNREVIEWED, Filter
    from db.hits import find_hits
    from db.review import normalise_status

    state = None
    if status:
        state = UNREVIEWED if status.strip().lower() == UNREVIEWED else \
            normalise_status(status)
    with session_scope(engine) as session:
        found = find_hits(session, Filter(review=state) if state else Filter())
    return found if state else [h for h in found if h.review_status]
