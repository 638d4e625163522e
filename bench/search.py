"""Search latency: `db.search` (SQLite FTS5 over jieba tokens) on the synthetic archive.

The index is built the way ``db.search.sync_index`` builds it for a large archive: worker
processes tokenize batches of stored texts (``db.search.tokenize``) while the main process
writes them (``db.search.write_index``, one executemany per batch).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

from sqlalchemy import Engine

from db.bulk import StoredText, iter_texts
from db.engine import open_database, session_scope

QUERIES = ("南疆", "和田", "劳动力转移", "勞動力轉移", "有组织转移 富余劳动力", "专列",
           "转移就业", "职业技能教育培训中心", "集中管理", "电解铝")
WARM_UP = "乌鲁木齐"  # not among QUERIES
BATCH = 500


@dataclass(frozen=True)
class Latency:
    """Latency percentiles of the typical queries over an index of ``indexed`` versions."""

    versions: int  # in the index when the queries ran
    indexed: int  # indexed by this run
    index_seconds: float
    p50_ms: float
    p95_ms: float
    per_query: dict[str, float]  # median ms of each query
    totals: dict[str, int]  # documents found by each query
    capped: dict[str, bool]  # whether the query matched more versions than the cap
    orders: dict[str, str]  # how each query's results were ordered (relevance | newest)


def _tokenize(batch: list[StoredText]) -> list[tuple[int, str, str]]:
    from db.search import tokenize

    return tokenize([(s.version_id, None, s.text) for s in batch])


def _batches(engine: Engine, limit: int, after: int) -> Iterator[list[StoredText]]:
    left = limit
    for batch in iter_texts(engine, BATCH, after=after):
        yield batch[:left]
        left -= len(batch)
        if left <= 0:
            return


def _tokenized(engine: Engine, limit: int, workers: int, after: int
               ) -> Iterator[list[tuple[int, str, str]]]:
    if workers <= 1:
        yield from map(_tokenize, _batches(engine, limit, after))
        return
    slots = threading.BoundedSemaphore(4 * workers)  # stream: a few batches per worker

    def throttled() -> Iterator[list[StoredText]]:
        for batch in _batches(engine, limit, after):
            slots.acquire()
            yield batch

    with Pool(workers) as pool:
        for rows in pool.imap(_tokenize, throttled()):
            slots.release()
            yield rows


def build_index(db: Path, limit: int, workers: int = 1) -> tuple[int, float]:
    """Index the first ``limit`` versions not indexed yet; return (count, seconds)."""
    from sqlalchemy import text

    from db.search import TABLE, ensure_table, write_index

    engine = open_database(str(db), create=False)
    with engine.begin() as conn:
        ensure_table(conn)
        after = conn.scalar(text(f"SELECT max(rowid) FROM {TABLE}")) or 0
    started, done = time.perf_counter(), 0
    for rows in _tokenized(engine, limit, workers, after):
        with engine.begin() as conn:
            done += write_index(conn, rows)
    engine.dispose()
    return done, time.perf_counter() - started


def measure(db: Path, limit: int, repeats: int = 3, workers: int = 1, cap: int = 0,
            sort: str = "auto") -> Latency:
    """Index up to ``limit`` versions the index lacks, then time every query ``repeats`` times
    (first page of 20 results in the ``sort`` order, in a new session each time) after one
    untimed warm-up search."""
    from sqlalchemy import text

    from db.filters import Filter
    from db.search import TABLE, search

    indexed, seconds = build_index(db, limit, workers) if limit else (0, 0.0)
    engine = open_database(str(db), create=False)
    with engine.connect() as conn:
        versions = int(conn.scalar(text(f"SELECT count(*) FROM {TABLE}_docsize")) or 0)
    timings: dict[str, list[float]] = {q: [] for q in QUERIES}
    totals: dict[str, int] = {}
    capped: dict[str, bool] = {}
    orders: dict[str, str] = {}
    with session_scope(engine) as session:  # untimed: loads jieba and the lexicon, as the
        search(session, Filter(query=WARM_UP))  # desk does once per process
    for _ in range(repeats):
        for query in QUERIES:
            started = time.perf_counter()
            with session_scope(engine) as session:
                page = search(session, Filter(query=query, sort=sort),
                              **({"cap": cap} if cap else {}))
            timings[query].append((time.perf_counter() - started) * 1000)
            totals[query], capped[query], orders[query] = page.total, page.capped, page.order
    engine.dispose()
    every = [t for ts in timings.values() for t in ts]
    cuts = statistics.quantiles(every, n=20)
    return Latency(versions, indexed, seconds, statistics.median(every), cuts[18],
                   {q: statistics.median(t) for q, t in timings.items()}, totals, capped, orders)
