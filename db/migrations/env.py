"""Alembic environment: always run on the connection handed over by db.migrations."""

from __future__ import annotations

from alembic import context

from db.migrations import configure_context

configure_context(context, context.config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
