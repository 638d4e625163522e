"""Repost clusters: versions whose text is the same or nearly the same, across documents.

Every copy stays stored as its own evidence; a cluster only links them, so a citation can name
the earliest-known copy. Candidates come from shared fingerprint bands, then each candidate's
estimated similarity is checked (``SAME_TEXT_THRESHOLD``); clusters are the connected groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import utc_iso
from db.models import Capture, Document, FingerprintBand, Source, Version
from pipelines.text.fingerprint import SAME_TEXT_THRESHOLD, from_hex, similarity


@dataclass(frozen=True)
class Copy:
    """One copy of a text: where and when it was published and first fetched."""

    version_id: int
    document_id: int
    url: str
    publisher: str | None
    origin: str | None
    title: str | None
    published_at: str | None
    first_fetched: str
    similarity: float


def _neighbours(session: Session, version_id: int) -> set[int]:
    bands = select(FingerprintBand.band).where(FingerprintBand.version_id == version_id)
    query = select(FingerprintBand.version_id).where(FingerprintBand.band.in_(bands)).distinct()
    return set(session.scalars(query)) - {version_id}


def _signature(session: Session, version_id: int) -> tuple[int, ...]:
    value = session.scalar(select(Version.fingerprint).where(Version.id == version_id))
    return from_hex(value) if value else ()


def cluster_of(session: Session, version_id: int, limit: int = 500) -> dict[int, float]:
    """Return {version id: similarity to ``version_id``} for its cluster (itself included)."""
    seed = _signature(session, version_id)
    members: dict[int, float] = {version_id: 1.0}
    frontier = [version_id]
    while frontier and len(members) < limit:
        current = frontier.pop()
        signature = seed if current == version_id else _signature(session, current)
        for other in _neighbours(session, current) - members.keys():
            if similarity(signature, _signature(session, other)) >= SAME_TEXT_THRESHOLD:
                members[other] = similarity(seed, _signature(session, other))
                frontier.append(other)
    return members


def _sort_key(copy: Copy) -> tuple[str, str, int]:
    return (copy.published_at or date.max.isoformat(), copy.first_fetched, copy.version_id)


def copies_of(session: Session, version_id: int) -> list[Copy]:
    """Return every known copy of a version's text, earliest publication (then fetch) first."""
    members = cluster_of(session, version_id)
    rows = session.execute(
        select(Version, Document, Source, Capture)
        .join(Document, Version.document_id == Document.id)
        .join(Source, Document.source_id == Source.id)
        .join(Capture, Version.first_capture_id == Capture.id)
        .where(Version.id.in_(members))
    )
    copies = [
        Copy(version_id=v.id, document_id=d.id, url=d.url, publisher=v.publisher or s.publisher,
             origin=v.origin, title=v.title,
             published_at=v.published_at.isoformat() if v.published_at else None,
             first_fetched=utc_iso(c.fetched_at) or "", similarity=members[v.id])
        for v, d, s, c in rows
    ]
    return sorted(copies, key=_sort_key)
