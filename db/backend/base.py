"""What every database backend answers: the one place the SQL dialects differ."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, select
from sqlalchemy.orm import Session

from db.chunks import chunks

Clauses = Sequence[tuple[str, list[str]]]  # query tokens, each with the sub-words covering it
Joined = Callable[[Any, Any, Any], Any]  # (select over the index, index, its version id column)
Matches = tuple[Any, Any, Any, list[Any]]  # index, version id column, rank column, conditions
IndexRow = dict[str, Any]  # {"id": version id, "t": title tokens, "b": body tokens}


class Backend:
    """One SQL dialect's way of doing what the storage layer needs."""

    name = ""
    placeholder = "%s"  # the driver's parameter mark in a raw statement
    index_rows = ""  # a table with one row per indexed version, cheap to count
    indexed_ids = ""  # SQL selecting the ids of the indexed versions
    rebuilds_tables = False  # ALTER TABLE cannot drop a constraint: migrations copy the table

    def engine_options(self) -> dict[str, Any]:
        """Options for ``create_engine``."""
        return {}

    def configure(self, engine: Engine, read_only: bool) -> Engine:
        """The engine set up for this backend (read-only when asked)."""
        return engine

    def is_read_only(self, engine: Engine) -> bool:
        """Whether ``engine`` was opened read-only."""
        raise NotImplementedError

    def lock_for_creation(self, conn: Connection) -> None:
        """Serialise concurrent creators of one new database until this transaction ends."""

    def lock_appends(self, conn: Connection, key: int) -> None:
        """Serialise appends to a chain of rows (``key``: which chain) until the transaction
        ends."""

    def prepare_table_rebuilds(self, conn: Connection) -> None:
        """Let a migration rebuild tables that others refer to (before its first write)."""

    def reset_sequences(self, conn: Connection, tables: Sequence[Table]) -> None:
        """Move id sequences past the ids copied into ``tables``."""

    def create_search_table(self, conn: Connection) -> None:
        """Create the search table if this database has none yet."""

    def write_index(self, conn: Connection, values: list[IndexRow]) -> None:
        """(Re-)write the index rows of the given versions."""

    def has_index(self, session: Session) -> bool:
        """Whether this database has its search table."""
        raise NotImplementedError

    def matches(self, clauses: Clauses, ranked: bool) -> Matches:
        """What matches the query tokens: the index to select from, its version id and rank
        columns (lower is better; titles weigh 3x; 0.0 when not ``ranked``), and conditions."""
        raise NotImplementedError

    def ranks(self, session: Session, clauses: Clauses, cap: int, where: Sequence[Any],
              ranked: bool, joined: Joined) -> dict[int, float]:
        """The newest ``cap`` matching versions meeting ``where``, with their rank."""
        index, version_id, rank, matching = self.matches(clauses, ranked)
        found = select(version_id, rank).where(*matching)
        if where:
            found = joined(found, index, version_id).where(*where)
        found = found.order_by(version_id.desc()).limit(cap)
        return {row[0]: float(row[1]) for row in session.execute(found)}

    def with_token(self, session: Session, token: str, low: int, high: int) -> set[int]:
        """Versions with ids in [low, high] whose index holds ``token``."""
        raise NotImplementedError

    def position(self, value: Any, word: str) -> Any:
        """The 1-based position of ``word`` in ``value`` (0: absent), as SQL."""
        raise NotImplementedError

    def id_params(self, ids: list[int]) -> tuple[str, dict[str, Any]]:
        """How to pass ``ids`` to a statement: ("json" or "in", its parameters)."""
        return "in", {"ids": ids}

    def id_chunks(self, ids: Collection[int]) -> Iterator[list[int]]:
        """``ids`` in ascending order, in as few lists as one statement may take."""
        return chunks(sorted(ids))
