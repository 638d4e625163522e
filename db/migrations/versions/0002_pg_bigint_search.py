"""PostgreSQL: 64-bit byte counts and offsets; the search_tokens full-text table.

Revision ID: 0002
Revises: 0001

``captures.size``, ``warc_offset`` and ``warc_length`` were 32-bit ``INTEGER``: fine on SQLite,
whose integers are always 64-bit, but on PostgreSQL a WARC file past 2 GiB would overflow the
offset. They become ``BIGINT`` there (nothing to do on SQLite). PostgreSQL also gets the table
behind full-text search (db/search.py); SQLite's FTS5 table is made on first use as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WIDE = ("size", "warc_offset", "warc_length")

# frozen copy of db.search.PG_DDL as of this revision
SEARCH_DDL = (
    "CREATE TABLE IF NOT EXISTS search_tokens ("
    " version_id INTEGER PRIMARY KEY REFERENCES versions(id),"
    " title TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',"
    " tsv TSVECTOR GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title), 'A') ||"
    " setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED)",
    "CREATE INDEX IF NOT EXISTS ix_search_tokens_tsv ON search_tokens USING GIN (tsv)",
)


def upgrade() -> None:
    """Widen the byte columns and add the search table (PostgreSQL only)."""
    if op.get_bind().dialect.name == "sqlite":
        return
    for column in WIDE:
        op.alter_column("captures", column, type_=sa.BigInteger(), existing_type=sa.Integer(),
                        existing_nullable=True)
    for statement in SEARCH_DDL:
        op.execute(statement)


def downgrade() -> None:
    """Drop the derived search table and narrow the columns again (PostgreSQL only)."""
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS search_tokens")
    for column in WIDE:
        op.alter_column("captures", column, type_=sa.Integer(), existing_type=sa.BigInteger(),
                        existing_nullable=True)
