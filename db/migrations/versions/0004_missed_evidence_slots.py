"""Missed evidence (document_reviews) and the transfer-event slots of hits (hits.slots).

Revision ID: 0004
Revises: 0003

Analysts' decisions are the deployment's labels (`evidence evaluate --reviews`). A confirmed or
rejected hit says whether a flag was right; a document the detector did *not* flag has no hit to
review, so marking it as missed evidence needs a row keyed by the document. It gets its own
append-only table, ``document_reviews`` (document, the version read, status ``missed`` or
``not_missed``, optional category, note, reviewer, time, and the lexicon version and score the
detector gave that version), rather than a nullable ``hit_id`` in ``reviews``, because:

- adding a table only adds: ``reviews`` is not rebuilt (SQLite cannot make a column nullable
  in place), and no existing row, index or foreign key changes;
- every reader of ``reviews`` (the latest-review join of hits, carry-over by reprocessing,
  exports, citations, facets) keeps its invariant that a review belongs to a hit, instead of
  each having to skip document rows;
- the vocabulary differs (missed / not_missed vs confirmed / rejected / needs_translation), and
  a document mark outlives the document's versions while a hit review belongs to one passage.

``hits.slots`` holds the slots of the transfer event that fired (JSON ``{slot: [values]}``);
rows stored before this revision get ``{}`` (none recorded). Both changes are plain additions
(CREATE TABLE, ADD COLUMN with a default) that SQLite and PostgreSQL run in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _create_document_reviews() -> None:
    op.create_table("document_reviews",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("document_id", sa.Integer(), nullable=False),
    sa.Column("version_id", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(length=30), nullable=False),
    sa.Column("category", sa.String(length=40), nullable=True),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("reviewer", sa.String(length=100), nullable=False),
    sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("lexicon_version", sa.String(length=40), nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ),
    sa.ForeignKeyConstraint(["version_id"], ["versions.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_document_reviews_document", "document_reviews", ["document_id", "id"])


def upgrade() -> None:
    """Add document_reviews and hits.slots."""
    _create_document_reviews()
    op.add_column("hits", sa.Column("slots", sa.Text(), server_default="{}", nullable=False))


def downgrade() -> None:
    """Not supported: analysts' missed-evidence marks and stored slots would be deleted."""
    raise NotImplementedError("revision 0004 cannot be undone without deleting analysts' "
                              "missed-evidence marks")
