"""What a crawl stores: sources, runs, documents, captures, versions, hits, status, bands."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, running_extractor_version


class Source(Base):
    """A crawl source as declared in its YAML file."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    publisher: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    strategy: Mapped[str] = mapped_column(String(30))
    min_items: Mapped[int] = mapped_column(Integer, default=0)
    definition_path: Mapped[str] = mapped_column(Text, default="")


class CrawlRun(Base):
    """One invocation of a crawl over one or more sources."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sources: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of slugs
    status: Mapped[str] = mapped_column(String(20), default="running")
    stats: Mapped[str] = mapped_column(Text, default="{}")  # JSON object of counters
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)  # to spot killed runs


class Document(Base):
    """One canonical URL that yielded content at least once."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="live")
    # when the current removal was first observed; its history is in document_status_events
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    source: Mapped[Source] = relationship()
    versions: Mapped[list[Version]] = relationship(
        back_populates="document", foreign_keys="Version.document_id", order_by="Version.id"
    )


class Capture(Base):
    """One fetch of one URL: the HTTP facts, the raw bytes' address, or the error."""

    __tablename__ = "captures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), nullable=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))  # article | listing
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    http_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    headers: Mapped[str] = mapped_column(Text, default="{}")  # JSON {name: [values]}
    content_type: Mapped[str | None] = mapped_column(String(200), nullable=True)
    charset: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # why that charset (the decoder's note), e.g. an implausible declared one overridden (0007)
    charset_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # bytes the charset could not decode, each bad run shown as U+FFFD (0011; None: not decoded)
    replaced_bytes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    raw_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # 64-bit on PG
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # why this fetch says the page is gone (http_404, soft_404: 页面不存在, redirect_home ...)
    gone: Mapped[str | None] = mapped_column(Text, nullable=True)
    # a web-archive copy: ``url`` is the original address, these name the archived copy served
    archive_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    archive_timestamp: Mapped[str | None] = mapped_column(String(14), nullable=True)
    # what a search or filing API said about the document (title, date, 文号, search term)
    listing_meta: Mapped[str] = mapped_column(Text, default="{}")
    # provenance: how the bytes were fetched
    method: Mapped[str] = mapped_column(String(10), default="GET")
    request_headers: Mapped[str] = mapped_column(Text, default="{}")  # JSON {name: [values]}
    crawler: Mapped[str | None] = mapped_column(String(200), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(Text, nullable=True)
    proxy: Mapped[str | None] = mapped_column(Text, nullable=True)
    # the WARC response record of this fetch; offset/length span its gzip member(s)
    warc_file: Mapped[str | None] = mapped_column(Text, nullable=True)
    warc_record_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    warc_length: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    document: Mapped[Document | None] = relationship(foreign_keys=[document_id])
    source: Mapped[Source] = relationship()


class Version(Base):
    """One distinct content of a document, with its extracted text and metadata."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    first_capture_id: Mapped[int | None] = mapped_column(
        ForeignKey("captures.id", use_alter=True), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    published_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    publisher: Mapped[str | None] = mapped_column(Text, nullable=True)
    origin: Mapped[str | None] = mapped_column(Text, nullable=True)
    editor: Mapped[str | None] = mapped_column(Text, nullable=True)
    author: Mapped[str | None] = mapped_column(Text, nullable=True)
    doc_number: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str] = mapped_column(String(10))
    script: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    page_starts: Mapped[str] = mapped_column(Text, default="[]")  # JSON list (PDF pages)
    # PDFs with pages without a text layer: JSON {"engine", "pages" read by OCR, "note"} (OCR
    # engine and version, limits hit, OCR unavailable); NULL: none (revision 0008)
    ocr: Mapped[str | None] = mapped_column(Text, nullable=True)
    extractor: Mapped[str] = mapped_column(String(100))
    # EXTRACTOR_VERSION that produced ``text``; "0": stored before extractor versions existed
    extractor_version: Mapped[str] = mapped_column(
        String(20), default=running_extractor_version, server_default="0")
    lexicon_version: Mapped[str] = mapped_column(String(40))
    segmenter: Mapped[str | None] = mapped_column(String(60), nullable=True)
    # MinHash of the text's character shingles (pipelines.text.fingerprint), hex
    fingerprint: Mapped[str | None] = mapped_column(Text, nullable=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)

    document: Mapped[Document] = relationship(
        back_populates="versions", foreign_keys=[document_id]
    )
    first_capture: Mapped[Capture | None] = relationship(foreign_keys=[first_capture_id])
    hits: Mapped[list[Hit]] = relationship(back_populates="version", order_by="Hit.start")


class Hit(Base):
    """One flagged sentence of one version, with offsets into the text it was found in: the
    version's own text, or (``extraction_id``) a later extraction of the same raw bytes."""

    __tablename__ = "hits"
    __table_args__ = (
        UniqueConstraint("version_id", "extraction_id", "start", "lexicon_version",
                         name="uq_hits_text_start_lexicon"),
        Index("ix_hits_score", "score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(Text)
    terms: Mapped[str] = mapped_column(Text)  # JSON list
    categories: Mapped[str] = mapped_column(Text)  # JSON list
    companies: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    score: Mapped[float] = mapped_column(Float)
    lexicon_version: Mapped[str] = mapped_column(String(40))
    extraction_id: Mapped[int | None] = mapped_column(
        ForeignKey("extractions.id", name="hits_extraction_id_fkey"), nullable=True)
    # the transfer event's slots that fired, JSON {slot: [values]} ("{}": none, or before 0004)
    slots: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")

    version: Mapped[Version] = relationship(back_populates="hits")
