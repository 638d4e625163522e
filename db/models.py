"""Typed SQLAlchemy 2 models: sources, runs, documents, captures, versions, hits.

A *document* is one canonical URL. A *capture* is one fetch of a URL (also failed ones).
A *version* is one distinct content (SHA-256 of the raw bytes) of a document; hits belong
to the version they were found in, so nothing stored is ever rewritten when a page changes.
A capture also points to its WARC record (db/warc.py) and says how it was fetched; a document's
status changes (live, removed) are appended to *document_status_events*; *fingerprint_bands*
index versions' near-duplicate fingerprints (repost clusters, db/clusters.py). A version's text is
never rewritten: when a newer extractor reads its raw bytes differently, reprocessing appends an
*extractions* row (db/reprocess.py) and the hits found in it point to that row. Analysts'
decisions are appended to *reviews* (on hits) and *document_reviews* (missed evidence: documents
the detector did not flag). Every row a citation relies on is chained into *hash_log*
(db/ledger.py), so that a later edit or deletion shows. Each run's files are listed in a
*run manifest* with the RFC 3161 timestamp of its digest (db/manifests.py).
"""

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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SCHEMA_VERSION = 1


class Base(DeclarativeBase):
    """Declarative base of every table."""


def running_extractor_version() -> str:
    """The version of the extraction code running now (pipelines.text.extract)."""
    from pipelines.text import extract

    return extract.EXTRACTOR_VERSION


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


class StatusEvent(Base):
    """One observed change of a document's status (live, removed); rows are only appended."""

    __tablename__ = "document_status_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    previous: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FingerprintBand(Base):
    """One locality-sensitive band key of a version's fingerprint, to find near-duplicates."""

    __tablename__ = "fingerprint_bands"
    __table_args__ = (Index("ix_fingerprint_bands_band", "band"),)

    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), primary_key=True)
    band: Mapped[str] = mapped_column(String(40), primary_key=True)


# --- analyst review (issue 5)


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


class Redetection(Base):
    """Detection re-run over a stored version; the newest row names the version's current hits."""

    __tablename__ = "redetections"
    __table_args__ = (Index("ix_redetections_version", "version_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("reprocess_runs.id"), nullable=True)
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


class Extraction(Base):
    """Text and metadata extracted again from a version's raw bytes by a newer extractor (or
    source settings); rows are only appended. The version's newest re-detection names the
    current one; the version's own text stays what the crawl extracted."""

    __tablename__ = "extractions"
    __table_args__ = (Index("ix_extractions_version", "version_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("reprocess_runs.id"), nullable=True)
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


class LogEntry(Base):
    """One link of the hash log (db/ledger.py): a stored row's content hash, chained to the
    entry before it; rows are only appended (revision 0005)."""

    __tablename__ = "hash_log"
    __table_args__ = (Index("ix_hash_log_row", "table_name", "row_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # write | seal (logged on upgrade)
    content_sha256: Mapped[str] = mapped_column(String(64))  # of the row's covered columns
    prev_sha256: Mapped[str] = mapped_column(String(64))  # the entry before (GENESIS: none)
    entry_sha256: Mapped[str] = mapped_column(String(64))
    logged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Screenshot(Base):
    """One rendering of a stored capture in headless Chromium from its stored bytes (a full-page
    PNG and a PDF print, content-addressed beside the raw captures), or why it failed; rows are
    only appended (revision 0009, evidence/render.py)."""

    __tablename__ = "screenshots"
    __table_args__ = (Index("ix_screenshots_capture", "capture_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(10))  # ok | failed
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)  # PNG
    raw_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pdf_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    browser: Mapped[str] = mapped_column(String(100))  # e.g. "Chrome/156.0.8078.114 headless"
    rendered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    # the URLs answered from stored captures and those refused (JSON lists)
    served: Mapped[str] = mapped_column(Text, default="[]")
    blocked: Mapped[str] = mapped_column(Text, default="[]")
    # the WARC resource record of the PNG (it refers to the capture's response record)
    warc_file: Mapped[str | None] = mapped_column(Text, nullable=True)
    warc_record_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    warc_length: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class RunManifest(Base):
    """A crawl run's manifest (the SHA-256, size and path of every file it stored) and the RFC
    3161 timestamp token of its digest, or why it has none yet (revision 0010, db/manifests.py)."""

    __tablename__ = "run_manifests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[str] = mapped_column(Text)  # the manifest's text (db/manifests.py)
    sha256: Mapped[str] = mapped_column(String(64))  # of the text: what the token covers
    entries: Mapped[int] = mapped_column(Integer, default=0)
    token: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # TimeStampResp DER
    tsa_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    stamped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    stamp_error: Mapped[str | None] = mapped_column(Text, nullable=True)  # why not (yet)
