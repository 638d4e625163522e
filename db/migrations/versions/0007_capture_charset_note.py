"""captures.charset_note: why a capture was decoded with its charset (an override noted).

Revision ID: 0007
Revises: 0006

A page may declare a charset that gives implausible text (UTF-8 bytes labelled ISO-8859-1 read
as mojibake); the extractor then overrides it with charset-normalizer's detection
(``pipelines.text.encoding``). ``captures.charset_note`` keeps the decoder's note for each
extracted capture (e.g. ``override: the header's iso-8859-1 gave implausible text (mess 0.86);
detected utf-8`` or ``header said utf-8; body declares gbk``), next to ``captures.charset``.
Captures stored before this revision have none (NULL). A plain ADD COLUMN on SQLite and
PostgreSQL; the hash log does not cover it (db/ledger.py: a note the raw bytes reproduce).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add captures.charset_note."""
    op.add_column("captures", sa.Column("charset_note", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop it again (the notes are derived from the raw bytes, which are kept)."""
    with op.batch_alter_table("captures") as batch:
        batch.drop_column("charset_note")
