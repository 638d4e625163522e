"""Hits as analysts cite them, and the texts their offsets point into."""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from db.clock import utc_iso
from db.current import current_extraction, latest_review_join
from db.filters import Filter, conditions
from db.models import Capture, Document, Extraction, Hit, Review, Source, Version
from pipelines.text.types import OcrRecord


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



def _hits_select() -> Select[tuple[Hit, Version, Document, Source, Capture, Review,
                                   Extraction]]:
    first = aliased(Capture)
    return (
        select(Hit, Version, Document, Source, first, Review, Extraction)
        .join(Version, Hit.version_id == Version.id)
        .join(Document, Hit.document_id == Document.id)
        .join(Source, Document.source_id == Source.id)
        .join(first, Version.first_capture_id == first.id)
        .outerjoin(Review, latest_review_join())
        .outerjoin(Extraction, Hit.extraction_id == Extraction.id)
    )



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
        retrieved_at=utc_iso(cap.fetched_at), sha256=version.sha256, raw_path=cap.raw_path,
        sentence=hit.sentence, start=hit.start, end=hit.end, terms=json.loads(hit.terms),
        categories=json.loads(hit.categories), companies=json.loads(hit.companies),
        score=hit.score, lexicon_version=hit.lexicon_version, language=read.language,
        script=read.script, source=source.slug, kind=source.kind, document_id=doc.id,
        version_id=version.id, capture_id=cap.id,
        page=page, archive_url=cap.archive_url, archive_timestamp=cap.archive_timestamp,
        review_status=review.status if review else None,
        review_note=review.note if review else None,
        reviewer=review.reviewer if review else None,
        reviewed_at=utc_iso(review.reviewed_at) if review else None,
        extraction_id=hit.extraction_id, slots=json.loads(hit.slots or "{}"),
        ocr=ocr_engine(read.ocr, page),
    )


def find_hits(session: Session, f: Filter | None = None) -> list[HitView]:
    """Return hits matching the filter, best score first."""
    f = f or Filter()
    query = _hits_select().where(*conditions(f, "hits")).order_by(Hit.score.desc(), Hit.id)
    if f.limit:
        query = query.limit(f.limit)
    return [_view(*row) for row in session.execute(query)]


def iter_hits(
    session: Session, batch: int = 500, f: Filter | None = None
) -> Iterator[HitView]:
    """Yield every current hit (or those matching ``f``) in id order, streaming in batches."""
    last = 0
    base = _hits_select().where(*conditions(f or Filter(), "hits"))
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

