"""Screenshots: renderings of stored captures in headless Chromium.

Revision ID: 0009
Revises: 0008

``screenshots`` holds one row per rendering of a stored capture from its stored bytes
(evidence/render.py): the full-page PNG's SHA-256 and store path (beside the raw captures),
the PDF print's, the browser version, the time and duration, the URLs answered from the store
and those refused, the WARC resource record, or the reason it failed. Rows are only appended
and covered by the hash log. A plain CREATE TABLE on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add screenshots."""
    op.create_table(
        "screenshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), sa.ForeignKey("captures.id"), nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=True),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("versions.id"), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("raw_path", sa.Text(), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdf_path", sa.Text(), nullable=True),
        sa.Column("browser", sa.String(length=100), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("served", sa.Text(), nullable=False),
        sa.Column("blocked", sa.Text(), nullable=False),
        sa.Column("warc_file", sa.Text(), nullable=True),
        sa.Column("warc_record_id", sa.String(length=100), nullable=True),
        sa.Column("warc_offset", sa.BigInteger(), nullable=True),
        sa.Column("warc_length", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_screenshots_capture", "screenshots", ["capture_id", "id"])
    op.create_index("ix_screenshots_sha256", "screenshots", ["sha256"])


def downgrade() -> None:
    """Drop screenshots (the PNG files stay in the data folder)."""
    op.drop_index("ix_screenshots_sha256", "screenshots")
    op.drop_index("ix_screenshots_capture", "screenshots")
    op.drop_table("screenshots")
