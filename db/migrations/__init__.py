"""Schema migrations with Alembic, configured in code so the installed package carries them.

``BASELINE`` is the first released schema (every database made before migrations existed has
it); ``head()`` is the schema the models describe. Derived search tables (SQLite FTS5
``search_fts``, PostgreSQL ``search_tokens``) are made by migrations or db.search, not models.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    text,
)

from db.backend import backend_of
from db.errors import StorageError
from db.models import Base

if TYPE_CHECKING:  # Alembic loads only to migrate: opening an up-to-date database needs none
    from alembic.config import Config

BASELINE = "0001"
HASH_LOG = "0005"  # the revision that adds the hash log: rows older than it are sealed


class MigrationError(StorageError):
    """A database whose schema cannot be brought to head."""

DERIVED = ("search_fts", "search_tokens", "alembic_version")


def _include(_obj: Any, name: str | None, type_: str, _reflected: bool, _compare: Any) -> bool:
    """Leave the derived search tables (and FTS5's shadow tables) out of comparisons."""
    return not (type_ == "table" and name is not None and name.startswith(DERIVED))


def configure_context(context: Any, connection: Connection) -> None:
    """Point an Alembic context at ``connection`` and the models' metadata."""
    context.configure(connection=connection, target_metadata=Base.metadata,
                      include_object=_include,
                      render_as_batch=backend_of(connection).rebuilds_tables)


def config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for this package's migrations (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "db:migrations")
    cfg.attributes["connection"] = connection
    return cfg


HEAD = "0012"  # the newest revision (a test checks it against versions/); read without
# the script directory, which is not a real directory inside a zipped egg (Scrapyd)


def head() -> str:
    """The newest revision: the schema the models describe."""
    return HEAD


def script_head() -> str | None:
    """The newest revision found in versions/."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config()).get_current_head()


def stamp_head(connection: Connection) -> None:
    """Record a database just created from the models as being at HEAD."""
    table = Table("alembic_version", MetaData(),
                  Column("version_num", String(32), nullable=False),
                  PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))
    table.create(connection, checkfirst=True)
    connection.execute(table.insert().values(version_num=HEAD))


@lru_cache(maxsize=1)
def baseline_columns() -> frozenset[tuple[str, str]]:
    """(table, column) of the baseline schema, read from a scratch database built at it."""
    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        command.upgrade(config(conn), BASELINE)
        found = _columns(conn)
    engine.dispose()
    return found


def _columns(connection: Connection) -> frozenset[tuple[str, str]]:
    inspector = inspect(connection)
    return frozenset((t, c["name"]) for t in inspector.get_table_names()
                     if not t.startswith(DERIVED) for c in inspector.get_columns(t))


def current(connection: Connection) -> str | None:
    """The database's revision: None when empty, BASELINE when made before migrations."""
    revision = stamped(connection)
    if revision is None and not is_empty(connection):
        missing = baseline_columns() - _columns(connection)
        if missing:
            table, column = sorted(missing)[0]
            raise MigrationError(f"this database predates the first release (no {table}.{column}"
                                 f" and {len(missing) - 1} more): it cannot be upgraded; "
                                 "crawl into a new database")
        return BASELINE
    return revision


def stamped(connection: Connection) -> str | None:
    """The revision recorded in alembic_version (what Alembic reads), None when there is none:
    read without importing Alembic."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:
        raise MigrationError(f"alembic_version holds several revisions: {', '.join(rows)}")
    return rows[0] if rows else None


def is_empty(connection: Connection) -> bool:
    """Whether the database has none of our tables yet."""
    return not inspect(connection).has_table("sources")


def upgrade(connection: Connection) -> tuple[str | None, str]:
    """Bring the database on ``connection`` to head; return (revision before, head).

    A database made before migrations existed is stamped at BASELINE first; an empty one gets
    every revision in turn. Revisions only add or widen: no row is deleted or rewritten. A
    database older than the hash log has its existing rows sealed into it (db.ledger).
    """
    from alembic import command

    from db.ledger import seal_existing

    backend_of(connection).prepare_table_rebuilds(connection)
    before = None if is_empty(connection) else current(connection)
    cfg = config(connection)
    if before is not None and stamped(connection) is None:
        command.stamp(cfg, BASELINE)
    command.upgrade(cfg, "head")
    if before is not None and before < HASH_LOG:
        seal_existing(connection)
    return before, head()
