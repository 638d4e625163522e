"""What reviews and reprocessing append: reviews, re-detections, reprocess runs, re-extractions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from db.models.base import Base


class Review(Base):
    """One analyst decision on a hit; rows are only appended, the newest is the hit's state."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_hit", "hit_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hits.id"))
    status: Mapped[str] = mapped_column(String(30))  # confirmed | rejected | needs_translation
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(100))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # set when reprocessing found the same passage again and carried this decision over
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), nullable=True)


class DocumentReview(Base):
    """One analyst decision on a whole document the detector did not flag (missed evidence);
    rows are only appended, the newest is the document's state (revision 0004)."""

    __tablename__ = "document_reviews"
    __table_args__ = (Index("ix_document_reviews_document", "document_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    # the version the analyst read (the document's newest when marked)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    status: Mapped[str] = mapped_column(String(30))  # missed | not_missed
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)  # analyst's, optional
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(100))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # what the detector said about that version when it was marked
    lexicon_version: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)


class _OfVersion:
    """The leading columns of a row reprocessing appends about one version, and their index."""

    __tablename__: str
    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), sort_order=-1)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("reprocess_runs.id"), nullable=True,
                                               sort_order=-1)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Index]:
        """An index on (version_id, id), named after the table."""
        return (Index(f"ix_{cls.__tablename__}_version", "version_id", "id"),)


class Redetection(_OfVersion, Base):
    """Detection re-run over a stored version; the newest row names the version's current hits."""

    __tablename__ = "redetections"

    lexicon_version: Mapped[str] = mapped_column(String(40))
    extractor: Mapped[str] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean)
    # re-extraction gave another text or metadata, stored as ``extraction_id`` (before revision
    # 0003: only compared, detection ran on the version's text)
    extraction_changed: Mapped[bool] = mapped_column(Boolean, default=False)
    # the text detection ran on: this extraction, or (None) the version's own text
    extraction_id: Mapped[int | None] = mapped_column(
        ForeignKey("extractions.id", name="redetections_extraction_id_fkey"), nullable=True)
    # EXTRACTOR_VERSION that produced or confirmed that text (None: rows before revision 0003)
    extractor_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    hits_before: Mapped[int] = mapped_column(Integer, default=0)
    hits_after: Mapped[int] = mapped_column(Integer, default=0)
    reviews_carried: Mapped[int] = mapped_column(Integer, default=0)
    dropped_hits: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of hit ids
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReprocessRun(Base):
    """One `evidence reprocess` invocation towards one lexicon and extractor version
    (resumable)."""

    __tablename__ = "reprocess_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lexicon_version: Mapped[str] = mapped_column(String(40))
    extractor_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="running")
    stats: Mapped[str] = mapped_column(Text, default="{}")  # JSON object of counters
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)  # to spot killed runs


class Extraction(_OfVersion, Base):
    """Text and metadata extracted again from a version's raw bytes by a newer extractor (or
    source settings); rows are only appended. The version's newest re-detection names the
    current one; the version's own text stays what the crawl extracted."""

    __tablename__ = "extractions"

    extractor_version: Mapped[str] = mapped_column(String(20))
    extractor: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))  # of ``text`` encoded as UTF-8
    text: Mapped[str] = mapped_column(Text)
    page_starts: Mapped[str] = mapped_column(Text, default="[]")  # JSON list (PDF pages)
    ocr: Mapped[str | None] = mapped_column(Text, nullable=True)  # as versions.ocr (0008)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    published_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    publisher: Mapped[str | None] = mapped_column(Text, nullable=True)
    origin: Mapped[str | None] = mapped_column(Text, nullable=True)
    editor: Mapped[str | None] = mapped_column(Text, nullable=True)
    author: Mapped[str | None] = mapped_column(Text, nullable=True)
    doc_number: Mapped[str | None] = mapped_column(Text, nullable=True)
    charset: Mapped[str | None] = mapped_column(String(40), nullable=True)
    language: Mapped[str] = mapped_column(String(10))
    script: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
