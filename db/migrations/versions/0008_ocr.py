"""OCR records of PDF texts: versions.ocr and extractions.ocr.

Revision ID: 0008
Revises: 0007

A PDF page without a text layer (a scan) is now read by OCR (Tesseract, pipelines/text/ocr.py).
Which pages of a text are OCR output, the engine and its version, and what OCR left unread (a
page or time limit reached, OCR unavailable) are kept beside the text, as JSON
``{"engine": "tesseract 5.3.0 chi_sim+chi_tra", "pages": [2, 3], "note": "..."}``:
``versions.ocr`` for the crawl's text, ``extractions.ocr`` for a re-extraction. NULL for a text
with no such page, which is every row stored before this revision (there was no OCR). The
``extractor`` column, which the hash log covers, names the OCR engine of a text that has OCR
pages ("pdf:pypdfium2-5.15.2+tesseract-5.3.0"); these columns are not covered (db/ledger.py
freezes its columns). Plain ADD COLUMNs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add versions.ocr and extractions.ocr."""
    op.add_column("versions", sa.Column("ocr", sa.Text(), nullable=True))
    op.add_column("extractions", sa.Column("ocr", sa.Text(), nullable=True))


def downgrade() -> None:
    """Not supported: which quotes were read by OCR would be forgotten."""
    raise NotImplementedError("revision 0008 cannot be undone without losing the OCR records")
