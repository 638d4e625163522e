"""Re-extracted texts: the extractions table; hits and re-detections say which text they used.

Revision ID: 0003
Revises: 0002

When the extractor changes, reprocessing reads the raw bytes again and appends the new text and
metadata to ``extractions``; the version's own text is never rewritten. ``versions`` and
``reprocess_runs`` record the extractor version (existing versions: "0", made before extractor
versions existed), ``redetections`` and ``hits`` name the extraction they used (NULL: the
version's own text). The hits' unique key gains ``extraction_id``, so the same lexicon can find
a sentence at the same offset in two texts of one version.

SQLite cannot drop a table constraint: ``hits`` and ``redetections`` are rebuilt (rows and ids
copied) with foreign keys switched off, which ``db.migrations.upgrade`` does before its
transaction begins; the foreign keys are checked again before the transaction commits.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD_HIT_KEY = ["version_id", "start", "lexicon_version"]
NEW_HIT_KEY = ["version_id", "extraction_id", "start", "lexicon_version"]
# SQLite's reflected copy of the unnamed baseline constraint gets this name in batch mode
CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}


def _create_extractions() -> None:
    op.create_table("extractions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("version_id", sa.Integer(), nullable=False),
    sa.Column("run_id", sa.Integer(), nullable=True),
    sa.Column("extractor_version", sa.String(length=20), nullable=False),
    sa.Column("extractor", sa.String(length=100), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("page_starts", sa.Text(), nullable=False),
    sa.Column("title", sa.Text(), nullable=True),
    sa.Column("published_at", sa.Date(), nullable=True),
    sa.Column("publisher", sa.Text(), nullable=True),
    sa.Column("origin", sa.Text(), nullable=True),
    sa.Column("editor", sa.Text(), nullable=True),
    sa.Column("author", sa.Text(), nullable=True),
    sa.Column("doc_number", sa.Text(), nullable=True),
    sa.Column("charset", sa.String(length=40), nullable=True),
    sa.Column("language", sa.String(length=10), nullable=False),
    sa.Column("script", sa.String(length=10), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["run_id"], ["reprocess_runs.id"], ),
    sa.ForeignKeyConstraint(["version_id"], ["versions.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_extractions_version", "extractions", ["version_id", "id"])


def _old_hit_key_name() -> str:
    """The name of the baseline (version_id, start, lexicon_version) unique constraint."""
    for found in sa.inspect(op.get_bind()).get_unique_constraints("hits"):
        if found["column_names"] == OLD_HIT_KEY and found["name"]:
            return str(found["name"])
    return "uq_hits_" + "_".join(OLD_HIT_KEY)  # unnamed on SQLite: CONVENTION names it


def _foreign_keys_off() -> None:
    """Refuse to rebuild SQLite tables while foreign keys are enforced (rows would be lost)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("revision 0003 rebuilds tables: run it through `evidence db upgrade`"
                           " (SQLite foreign keys must be off)")


def _check_foreign_keys() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"foreign keys broken after rebuilding tables: {broken[:3]}")


def upgrade() -> None:
    """Add extractions and the columns that name them; widen the hits' unique key."""
    _foreign_keys_off()
    _create_extractions()
    op.add_column("versions", sa.Column("extractor_version", sa.String(length=20),
                                        server_default="0", nullable=False))
    op.add_column("reprocess_runs", sa.Column("extractor_version", sa.String(length=20),
                                              nullable=True))
    with op.batch_alter_table("redetections") as batch:
        batch.add_column(sa.Column("extraction_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("extractor_version", sa.String(length=20), nullable=True))
        batch.create_foreign_key("redetections_extraction_id_fkey", "extractions",
                                 ["extraction_id"], ["id"])
    old_key = _old_hit_key_name()
    with op.batch_alter_table("hits", naming_convention=CONVENTION) as batch:
        batch.add_column(sa.Column("extraction_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("hits_extraction_id_fkey", "extractions",
                                 ["extraction_id"], ["id"])
        batch.drop_constraint(old_key, type_="unique")
        batch.create_unique_constraint("uq_hits_text_start_lexicon", NEW_HIT_KEY)
    _check_foreign_keys()


def downgrade() -> None:
    """Not supported: derived texts and their hits would have to be deleted."""
    raise NotImplementedError("revision 0003 cannot be undone without deleting evidence")
