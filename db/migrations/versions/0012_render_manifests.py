"""Manifests of render sessions: run_manifests.run_id may be NULL.

Revision ID: 0012
Revises: 0011

A standalone `evidence render` (screenshots made after their runs were sealed) seals a manifest
of its own: the SHA-256 of every screenshot file and render WARC file it wrote, timestamped like
a run's (db/manifests.py). Such a manifest belongs to no crawl run, so ``run_id`` becomes
nullable (still unique: one manifest per run). SQLite rebuilds the table (batch mode, no table
refers to it); PostgreSQL drops the NOT NULL. No row changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Let run_manifests.run_id be NULL (a render session's manifest)."""
    with op.batch_alter_table("run_manifests") as batch:
        batch.alter_column("run_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    """Not supported: the manifests of render sessions and their timestamps would be lost."""
    raise NotImplementedError("revision 0012 cannot be undone without losing render manifests")
