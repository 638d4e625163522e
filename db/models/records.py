"""Records that vouch for the evidence: the hash log, renderings, run manifests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


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
    only appended (revision 0009, evidence/services/render.py)."""

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
    """A crawl run's manifest (the SHA-256, size and path of every file it stored), or a render
    session's (``run_id`` NULL: the screenshot files it wrote, revision 0012), and the RFC 3161
    timestamp token of its digest, or why it has none yet (revision 0010, db/manifests.py)."""

    __tablename__ = "run_manifests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), unique=True,
                                               nullable=True)  # None: a render session's
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[str] = mapped_column(Text)  # the manifest's text (db/manifests.py)
    sha256: Mapped[str] = mapped_column(String(64))  # of the text: what the token covers
    entries: Mapped[int] = mapped_column(Integer, default=0)
    token: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # TimeStampResp DER
    tsa_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    stamped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    stamp_error: Mapped[str | None] = mapped_column(Text, nullable=True)  # why not (yet)
