"""Run manifests and their RFC 3161 timestamp tokens.

Revision ID: 0010
Revises: 0009

``run_manifests`` holds one row per crawl run (db/manifests.py): the manifest's text (the
SHA-256, size and path of every raw capture, WARC file and screenshot the run stored), its
SHA-256, and the trusted timestamp of that digest — the TSA's whole TimeStampResp (DER), where
it came from and its time — or why there is none yet (no TSA configured, the TSA failed).
Runs made before this revision have no manifest. A plain CREATE TABLE on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add run_manifests."""
    op.create_table(
        "run_manifests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("crawl_runs.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("token", sa.LargeBinary(), nullable=True),
        sa.Column("tsa_url", sa.Text(), nullable=True),
        sa.Column("stamped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stamp_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id"),
    )


def downgrade() -> None:
    """Not supported: the timestamps of past runs would be lost."""
    raise NotImplementedError("revision 0010 cannot be undone without losing the timestamps")
