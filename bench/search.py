"""Search latency: `db.search` (SQLite FTS5 over jieba tokens) on the synthetic archive."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from db.bulk import iter_texts
from db.engine import open_database, session_scope

QUERIES = ("南疆", "和田", "劳动力转移", "勞動力轉移", "有组织转移 富余劳动力", "专列",
           "转移就业", "职业技能教育培训中心", "集中管理", "电解铝")


@dataclass(frozen=True)
class Latency:
    """Latency percentiles of the typical queries over an index of ``indexed`` versions."""

    indexed: int
    index_seconds: float
    p50_ms: float
    p95_ms: float


def build_index(db: Path, limit: int) -> tuple[int, float]:
    """Index the first ``limit`` versions; return (count, seconds)."""
    from db.search import index_versions

    engine = open_database(str(db), create=False)
    started, done = time.perf_counter(), 0
    for batch in iter_texts(engine, 500):
        batch = batch[: limit - done]
        with engine.begin() as conn:
            done += index_versions(conn, [(s.version_id, None, s.text) for s in batch])
        if done >= limit:
            break
    engine.dispose()
    return done, time.perf_counter() - started


def measure(db: Path, limit: int, repeats: int = 3) -> Latency:
    """Build the index, then time every query ``repeats`` times (first page of 20 results)."""
    from db.search import SearchFilter, search

    indexed, seconds = build_index(db, limit)
    engine = open_database(str(db), create=False)
    timings = []
    for _ in range(repeats):
        for query in QUERIES:
            started = time.perf_counter()
            with session_scope(engine) as session:
                search(session, SearchFilter(query=query))
            timings.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    cuts = statistics.quantiles(timings, n=20)
    return Latency(indexed, seconds, statistics.median(timings), cuts[18])
