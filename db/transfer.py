"""Copy a whole evidence base between databases (SQLite -> PostgreSQL), then verify the copy.

Rows are copied table by table in foreign-key order with their ids, so every reference (hit ->
version -> capture -> raw file) stays the same. ``versions.first_capture_id`` points forward
(captures are copied after versions): it is filled in once the captures exist. Afterwards the
target's id sequences are moved past the copied ids, the derived search index is rebuilt, and
each table's row count and SHA-256 over every column are compared with the source.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, update

from db.backend import backend_of
from db.errors import StorageError
from db.ledger import spell as _value
from db.models import Base

BATCH = 1000


@dataclass(frozen=True)
class TableCheck:
    """One table's row count and checksum on both sides."""

    table: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def ok(self) -> bool:
        """Whether both sides hold the same rows."""
        return (self.source_rows, self.source_sum) == (self.target_rows, self.target_sum)


def tables() -> list[Table]:
    """Every model table, parents before children."""
    return list(Base.metadata.sorted_tables)


def _forward(table: Table, order: list[str]) -> list[str]:
    """Columns of ``table`` referring to a table copied after it (filled in later)."""
    here = order.index(table.name)
    return [fk.parent.name for fk in table.foreign_keys
            if fk.column.table.name in order and order.index(fk.column.table.name) > here]


def _rows(conn: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in primary-key order, BATCH at a time."""
    result = conn.execution_options(stream_results=True).execute(
        select(table).order_by(*table.primary_key.columns))
    for part in result.mappings().partitions(BATCH):
        yield [dict(row) for row in part]


def ensure_empty(conn: Connection) -> None:
    """Refuse to copy into a database that already holds evidence."""
    for table in tables():
        if conn.scalar(select(func.count()).select_from(table)):
            raise StorageError(f"target database already has rows in {table.name}: "
                               "copy only into an empty database")


def copy_rows(source: Connection, target: Connection) -> dict[str, int]:
    """Copy every table's rows with their ids; return rows copied per table."""
    order = [t.name for t in tables()]
    copied: dict[str, int] = {}
    patches: list[tuple[Table, dict[str, Any]]] = []
    for table in tables():
        later = _forward(table, order)
        copied[table.name] = 0
        for batch in _rows(source, table):
            patches.extend((table, row) for row in batch if any(row[c] is not None for c in later))
            target.execute(table.insert(), [{**row, **dict.fromkeys(later)} for row in batch])
            copied[table.name] += len(batch)
    for table, row in patches:
        key = [c.name for c in table.primary_key.columns]
        target.execute(update(table).where(*(table.c[k] == row[k] for k in key))
                       .values({c: row[c] for c in _forward(table, order)}))
    return copied


def reset_sequences(target: Connection) -> None:
    """Move PostgreSQL's id sequences past the copied ids (SQLite needs nothing)."""
    backend_of(target).reset_sequences(target, tables())


def table_sum(conn: Connection, table: Table) -> tuple[int, str]:
    """Row count and SHA-256 over every column of every row, in primary-key order."""
    digest, count = hashlib.sha256(), 0
    for batch in _rows(conn, table):
        for row in batch:
            digest.update("\x1f".join(_value(row[c.name]) for c in table.columns).encode())
            digest.update(b"\x1e")
            count += 1
    return count, digest.hexdigest()


def compare(source: Engine, target: Engine) -> list[TableCheck]:
    """Row counts and checksums of every table on both sides."""
    checks = []
    with source.connect() as src, target.connect() as dst:
        for table in tables():
            (n_src, s_src), (n_dst, s_dst) = table_sum(src, table), table_sum(dst, table)
            checks.append(TableCheck(table.name, n_src, n_dst, s_src, s_dst))
    return checks


def raw_references(conn: Connection) -> list[str]:
    """Data-dir-relative paths of every raw file and WARC file the captures name."""
    from db.models import Capture

    raw = conn.scalars(select(Capture.raw_path).where(Capture.raw_path.is_not(None)).distinct())
    warcs = conn.scalars(select(Capture.warc_file).where(Capture.warc_file.is_not(None))
                         .distinct())
    return sorted({p for p in [*raw, *warcs] if p})


def copy_files(source_dir: Path, target_dir: Path, relpaths: list[str]) -> tuple[int, int]:
    """Copy the named files (never overwriting a different one); return (copied, present)."""
    copied = present = 0
    for rel in relpaths:
        src, dst = source_dir / rel, target_dir / rel
        if not src.is_file():
            raise StorageError(f"raw file {src} named by the source database is missing")
        if dst.exists():
            if _file_sha(dst) != _file_sha(src):
                raise StorageError(f"{dst} exists with other content; not overwritten")
            present += 1
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(dst.name + ".part")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
        copied += 1
    return copied, present


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
