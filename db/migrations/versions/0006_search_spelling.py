"""Search index: English words in one spelling (labour/labor, Uighur/Uyghur, Kashi/Kashgar).

Revision ID: 0006
Revises: 0005

The search index (SQLite FTS5 ``search_fts``, PostgreSQL ``search_tokens``) now holds every
English word in one spelling (``pipelines.text.spelling``), and queries are folded the same
way. An index written before this revision holds words as printed, so "labour" would still
miss "labor" in it. The index is derived data, never evidence: this revision empties it, and
``evidence db upgrade`` rebuilds it at once (``db.search.sync_index``; `evidence search` and
`evidence serve` also index whatever the index lacks before they answer). No other row
changes.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import inspect

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _empty_index() -> None:
    """Delete every row of this backend's search table (SQLite's is made on first use)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        if inspect(bind).has_table("search_fts"):
            op.execute("DELETE FROM search_fts")
    elif inspect(bind).has_table("search_tokens"):
        op.execute("TRUNCATE search_tokens")


def upgrade() -> None:
    """Empty the search index, to be rebuilt with one spelling per English word."""
    _empty_index()


def downgrade() -> None:
    """Empty it again: the older release rebuilds it with words as printed."""
    _empty_index()
