"""The hash log: an append-only chain of hashes over the rows a citation relies on.

Revision ID: 0005
Revises: 0004

``hash_log`` holds one entry per stored row of the covered tables (documents, captures,
versions, extractions, hits, redetections, reviews, document_reviews, document_status_events;
db/ledger.py): the SHA-256 of the row's content and of the previous entry. This revision only
creates the table (a plain CREATE TABLE on SQLite and PostgreSQL); ``evidence db upgrade`` then
seals the rows that exist at that moment (``db.migrations.upgrade``), so they are covered from
the upgrade on, not from their capture.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add hash_log."""
    op.create_table("hash_log",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("table_name", sa.String(length=40), nullable=False),
    sa.Column("row_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=10), nullable=False),
    sa.Column("content_sha256", sa.String(length=64), nullable=False),
    sa.Column("prev_sha256", sa.String(length=64), nullable=False),
    sa.Column("entry_sha256", sa.String(length=64), nullable=False),
    sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_hash_log_row", "hash_log", ["table_name", "row_id", "id"])


def downgrade() -> None:
    """Not supported: dropping the log would leave every stored row unverifiable."""
    raise NotImplementedError("revision 0005 cannot be undone without losing the hash log")
