"""captures.replaced_bytes: how many of a capture's bytes its charset could not decode.

Revision ID: 0011
Revises: 0010

A page in a Chinese charset (declared by the body or the header, or detected) with a few bad
bytes — a truncated character, a stray byte — is decoded leniently with the charset's superset
(GB2312/GBK as GB18030, Big5 as Big5-HKSCS), each bad run shown as U+FFFD, instead of failing
and being read with a wrong codec (``pipelines.text.encoding``). ``captures.replaced_bytes``
keeps the number of bad bytes (0 when the body decoded cleanly), next to ``captures.charset``
and ``captures.charset_note``, which says so in words. Captures stored before this revision
have none (NULL). A plain ADD COLUMN on SQLite and PostgreSQL; the hash log does not cover it
(db/ledger.py: a count the raw bytes reproduce).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add captures.replaced_bytes."""
    op.add_column("captures", sa.Column("replaced_bytes", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop it again (the count is derived from the raw bytes, which are kept)."""
    with op.batch_alter_table("captures") as batch:
        batch.drop_column("replaced_bytes")
