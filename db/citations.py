"""What a citation of a hit needs beyond the hit: the archived record, removal, earlier copies."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from db.clusters import Copy, copies_of
from db.history import Removal, current_removal
from db.hits import HitView
from db.models import Capture
from db.screenshots import ShotFacts, shot_facts


@dataclass(frozen=True)
class Archived:
    """The stored copy of one fetch: raw file and WARC record."""

    capture_id: int
    sha256: str | None
    raw_path: str | None
    warc_file: str | None
    warc_record_id: str | None
    warc_offset: int | None
    warc_length: int | None
    url: str
    fetched_at: str
    http_status: int | None


@dataclass(frozen=True)
class CitationFacts:
    """A hit with its archived copy, its page's removal (if any) and the other known copies."""

    hit: HitView
    archived: Archived | None
    removal: Removal | None
    removal_capture: Archived | None
    copies: list[Copy] = field(default_factory=list)
    screenshot: ShotFacts | None = None  # the newest rendering of the hit's version

    @property
    def earliest(self) -> Copy | None:
        """The earliest-known copy of the text (may be this very page)."""
        firsts: dict[int, Copy] = {}
        for copy in self.copies:
            firsts.setdefault(copy.document_id, copy)
        return next(iter(firsts.values()), None)

    @property
    def other_copies(self) -> int:
        """How many other documents carry the same or nearly the same text."""
        return len({c.document_id for c in self.copies} - {self.hit.document_id})


def archived(session: Session, capture_id: int | None) -> Archived | None:
    """Return the archived facts of one capture."""
    from db.clock import utc_iso

    capture = session.get(Capture, capture_id) if capture_id is not None else None
    if capture is None:
        return None
    return Archived(
        capture_id=capture.id, sha256=capture.sha256, raw_path=capture.raw_path,
        warc_file=capture.warc_file, warc_record_id=capture.warc_record_id,
        warc_offset=capture.warc_offset, warc_length=capture.warc_length, url=capture.final_url,
        fetched_at=utc_iso(capture.fetched_at) or "", http_status=capture.http_status,
    )


def citation_facts(session: Session, hit: HitView) -> CitationFacts:
    """Gather what citing ``hit`` needs."""
    removal = current_removal(session, hit.document_id)
    return CitationFacts(
        hit=hit, archived=archived(session, hit.capture_id), removal=removal,
        removal_capture=archived(session, removal.capture_id) if removal else None,
        copies=copies_of(session, hit.version_id), screenshot=shot_facts(session, hit.version_id),
    )
