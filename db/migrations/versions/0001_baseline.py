"""Baseline: the first released schema.

Revision ID: 0001
Revises: -
The schema of the first release (models as of the commit that added migrations), written out
table by table so it never changes when the models do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table of the first released schema."""
    sqlite = op.get_bind().dialect.name == "sqlite"  # SQLite cannot add a constraint later
    cycle = [sa.ForeignKeyConstraint(["first_capture_id"], ["captures.id"],
                                     name="versions_first_capture_id_fkey")] if sqlite else []
    op.create_table("crawl_runs",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("sources", sa.Text(), nullable=False),
    sa.Column("status", sa.String(length=20), nullable=False),
    sa.Column("stats", sa.Text(), nullable=False),
    sa.Column("pid", sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_table("reprocess_runs",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("lexicon_version", sa.String(length=40), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("status", sa.String(length=20), nullable=False),
    sa.Column("stats", sa.Text(), nullable=False),
    sa.Column("pid", sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_table("sources",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=100), nullable=False),
    sa.Column("publisher", sa.String(length=300), nullable=False),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("language", sa.String(length=10), nullable=False),
    sa.Column("strategy", sa.String(length=30), nullable=False),
    sa.Column("min_items", sa.Integer(), nullable=False),
    sa.Column("definition_path", sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("slug")
    )
    op.create_table("documents",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("url", sa.Text(), nullable=False),
    sa.Column("source_id", sa.Integer(), nullable=False),
    sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(length=20), nullable=False),
    sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("url")
    )
    op.create_table("versions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("document_id", sa.Integer(), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("first_capture_id", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("title", sa.Text(), nullable=True),
    sa.Column("published_at", sa.Date(), nullable=True),
    sa.Column("publisher", sa.Text(), nullable=True),
    sa.Column("origin", sa.Text(), nullable=True),
    sa.Column("editor", sa.Text(), nullable=True),
    sa.Column("author", sa.Text(), nullable=True),
    sa.Column("doc_number", sa.Text(), nullable=True),
    sa.Column("language", sa.String(length=10), nullable=False),
    sa.Column("script", sa.String(length=10), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("page_starts", sa.Text(), nullable=False),
    sa.Column("extractor", sa.String(length=100), nullable=False),
    sa.Column("lexicon_version", sa.String(length=40), nullable=False),
    sa.Column("segmenter", sa.String(length=60), nullable=True),
    sa.Column("fingerprint", sa.Text(), nullable=True),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("flagged", sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("document_id", "sha256"),
    *cycle,
    )
    op.create_table("captures",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("run_id", sa.Integer(), nullable=True),
    sa.Column("source_id", sa.Integer(), nullable=False),
    sa.Column("document_id", sa.Integer(), nullable=True),
    sa.Column("version_id", sa.Integer(), nullable=True),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("url", sa.Text(), nullable=False),
    sa.Column("final_url", sa.Text(), nullable=False),
    sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("http_status", sa.Integer(), nullable=True),
    sa.Column("headers", sa.Text(), nullable=False),
    sa.Column("content_type", sa.String(length=200), nullable=True),
    sa.Column("charset", sa.String(length=40), nullable=True),
    sa.Column("sha256", sa.String(length=64), nullable=True),
    sa.Column("raw_path", sa.Text(), nullable=True),
    sa.Column("size", sa.Integer(), nullable=True),
    sa.Column("error", sa.Text(), nullable=True),
    sa.Column("gone", sa.Text(), nullable=True),
    sa.Column("archive_url", sa.Text(), nullable=True),
    sa.Column("archive_timestamp", sa.String(length=14), nullable=True),
    sa.Column("listing_meta", sa.Text(), nullable=False),
    sa.Column("method", sa.String(length=10), nullable=False),
    sa.Column("request_headers", sa.Text(), nullable=False),
    sa.Column("crawler", sa.String(length=200), nullable=True),
    sa.Column("user_agent", sa.Text(), nullable=True),
    sa.Column("proxy", sa.Text(), nullable=True),
    sa.Column("warc_file", sa.Text(), nullable=True),
    sa.Column("warc_record_id", sa.String(length=100), nullable=True),
    sa.Column("warc_offset", sa.Integer(), nullable=True),
    sa.Column("warc_length", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ),
    sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], ),
    sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ),
    sa.ForeignKeyConstraint(["version_id"], ["versions.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_captures_sha256", "captures", ["sha256"])
    op.create_index("ix_captures_warc_record_id", "captures", ["warc_record_id"])

    op.create_table("fingerprint_bands",
    sa.Column("version_id", sa.Integer(), nullable=False),
    sa.Column("band", sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(["version_id"], ["versions.id"], ),
    sa.PrimaryKeyConstraint("version_id", "band")
    )
    op.create_index("ix_fingerprint_bands_band", "fingerprint_bands", ["band"])

    op.create_table("hits",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("version_id", sa.Integer(), nullable=False),
    sa.Column("document_id", sa.Integer(), nullable=False),
    sa.Column("start", sa.Integer(), nullable=False),
    sa.Column("end", sa.Integer(), nullable=False),
    sa.Column("sentence", sa.Text(), nullable=False),
    sa.Column("terms", sa.Text(), nullable=False),
    sa.Column("categories", sa.Text(), nullable=False),
    sa.Column("companies", sa.Text(), nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("lexicon_version", sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ),
    sa.ForeignKeyConstraint(["version_id"], ["versions.id"], ),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("version_id", "start", "lexicon_version")
    )
    op.create_index("ix_hits_score", "hits", ["score"])

    op.create_table("redetections",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("version_id", sa.Integer(), nullable=False),
    sa.Column("run_id", sa.Integer(), nullable=True),
    sa.Column("lexicon_version", sa.String(length=40), nullable=False),
    sa.Column("extractor", sa.String(length=100), nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("flagged", sa.Boolean(), nullable=False),
    sa.Column("extraction_changed", sa.Boolean(), nullable=False),
    sa.Column("hits_before", sa.Integer(), nullable=False),
    sa.Column("hits_after", sa.Integer(), nullable=False),
    sa.Column("reviews_carried", sa.Integer(), nullable=False),
    sa.Column("dropped_hits", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["run_id"], ["reprocess_runs.id"], ),
    sa.ForeignKeyConstraint(["version_id"], ["versions.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_redetections_version", "redetections", ["version_id", "id"])

    op.create_table("document_status_events",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("document_id", sa.Integer(), nullable=False),
    sa.Column("capture_id", sa.Integer(), nullable=True),
    sa.Column("status", sa.String(length=20), nullable=False),
    sa.Column("previous", sa.String(length=20), nullable=True),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["capture_id"], ["captures.id"], ),
    sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_document_status_events_document_id", "document_status_events",
                    ["document_id"])

    op.create_table("reviews",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("hit_id", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(length=30), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("reviewer", sa.String(length=100), nullable=False),
    sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("carried_from_id", sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(["carried_from_id"], ["reviews.id"], ),
    sa.ForeignKeyConstraint(["hit_id"], ["hits.id"], ),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_reviews_hit", "reviews", ["hit_id", "id"])

    # versions <-> captures is a cycle: the second edge is added once both tables exist
    if not sqlite:
        op.create_foreign_key("versions_first_capture_id_fkey", "versions", "captures",
                              ["first_capture_id"], ["id"])


def downgrade() -> None:
    """Refuse: the baseline holds evidence, which is never dropped."""
    raise NotImplementedError("the baseline cannot be downgraded: evidence is never dropped")
