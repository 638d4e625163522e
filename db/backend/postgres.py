"""PostgreSQL: UTC sessions, advisory locks, a tsvector search table ranked by ts_rank."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, column, func, text
from sqlalchemy.orm import Session

from db.backend.base import Backend, Clauses, IndexRow, Matches

TABLE = "search_tokens"
DDL = (  # frozen in db/migrations/versions/0002 for databases made before it
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    " version_id INTEGER PRIMARY KEY REFERENCES versions(id),"
    " title TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',"
    " tsv TSVECTOR GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title), 'A') ||"
    " setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED)",
    f"CREATE INDEX IF NOT EXISTS ix_search_tokens_tsv ON {TABLE} USING GIN (tsv)",
)
_UPSERT = (f"INSERT INTO {TABLE} (version_id, title, body) VALUES (:id, :t, :b) "
           "ON CONFLICT (version_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body")
_WEIGHTS = "{0.1, 0.2, 0.3333, 1.0}"  # D, C, B (body), A (title): title counts 3x
CREATION_LOCK = 7471


class PostgresBackend(Backend):
    """A PostgreSQL server driven by psycopg 3; search through ``search_tokens.tsv``."""

    name = "postgresql"
    index_rows = TABLE
    indexed_ids = f"SELECT version_id FROM {TABLE}"

    def engine_options(self) -> dict[str, Any]:
        """Sessions run in UTC; dead pooled connections are dropped."""
        return {"pool_pre_ping": True, "connect_args": {"options": "-c timezone=UTC"}}

    def configure(self, engine: Engine, read_only: bool) -> Engine:
        """Read-only transactions when asked."""
        return engine.execution_options(postgresql_readonly=True) if read_only else engine

    def is_read_only(self, engine: Engine) -> bool:
        """Opened with ``postgresql_readonly``."""
        return bool(engine.get_execution_options().get("postgresql_readonly"))

    def lock_for_creation(self, conn: Connection) -> None:
        """A transaction-scoped advisory lock."""
        self.lock_appends(conn, CREATION_LOCK)

    def lock_appends(self, conn: Connection, key: int) -> None:
        """A transaction-scoped advisory lock on ``key``."""
        conn.execute(text(f"SELECT pg_advisory_xact_lock({key})"))

    def reset_sequences(self, conn: Connection, tables: Sequence[Table]) -> None:
        """``setval`` of each id sequence to one past the highest id."""
        for table in tables:
            if "id" in table.c and table.c.id.primary_key:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))

    def create_search_table(self, conn: Connection) -> None:
        """``search_tokens`` with its stored tsvector and GIN index."""
        for statement in DDL:
            conn.execute(text(statement))

    def write_index(self, conn: Connection, values: list[IndexRow]) -> None:
        """Upsert each version's token row (the tsvector follows)."""
        conn.execute(text(_UPSERT), values)

    def has_index(self, session: Session) -> bool:
        """Whether ``search_tokens`` exists."""
        return session.scalar(text(f"SELECT to_regclass('{TABLE}') IS NOT NULL")) is True

    def tsquery(self, clauses: Clauses) -> tuple[str, dict[str, str]]:
        """The tsquery expression (and its parameters) of query tokens."""
        expressions, params = [], {}
        for n, (token, parts) in enumerate(clauses):
            params[f"t{n}"] = token
            clause = f"phraseto_tsquery('simple', :t{n})"
            if len(parts) >= 2:
                params[f"p{n}"] = " ".join(parts)
                clause = f"({clause} || plainto_tsquery('simple', :p{n}))"
            expressions.append(clause)
        return " && ".join(expressions), params

    def matches(self, clauses: Clauses, ranked: bool) -> Matches:
        """Rows whose tsvector matches, with negated ts_rank (title weight A = 3x body B,
        length-normalised)."""
        expression, params = self.tsquery(clauses)
        rank = f"-ts_rank('{_WEIGHTS}', tsv, q, 1)" if ranked else "0.0"
        found = text(f"SELECT version_id, {rank} AS rank "
                     f"FROM {TABLE}, (SELECT {expression} AS q) AS wanted WHERE tsv @@ q"
                     ).bindparams(**params).columns(column("version_id"), column("rank")
                                                    ).subquery()
        return found, found.c.version_id, found.c.rank, []

    def with_token(self, session: Session, token: str, low: int, high: int) -> set[int]:
        """Rows in the id range whose tsvector holds the token as a phrase."""
        sql = text(f"SELECT version_id FROM {TABLE} WHERE "
                   "tsv @@ phraseto_tsquery('simple', :q) AND version_id BETWEEN :low AND :high")
        return set(session.scalars(sql, {"q": token, "low": low, "high": high}))

    def position(self, value: Any, word: str) -> Any:
        """``strpos``."""
        return func.strpos(value, word)
