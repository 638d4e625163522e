"""Reprocess throughput: stored text -> detection -> storage, lazy detector vs full-jieba baseline.

Both modes read the same stored versions (db.bulk.iter_texts), detect with the same lexicon and
append their detections and hits with db.bulk.append_detections (tagged ``+bench-<mode>`` so
both runs fit in one database). The baseline segments every document completely with jieba
(Segmenter.full_boundaries) before matching, which is what a straightforward pipeline does; the
detector segments only sentences holding a labour-term candidate. Their results are compared
version by version for equality.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

from sqlalchemy import Engine

from bench.memory import PeakMemory
from bench.synthetic import generate
from db.bulk import StoredText, add_texts, append_detections, iter_texts
from db.engine import open_database, session_scope
from db.store import SourceInfo, ensure_source
from pipelines.text.detect import Detector
from pipelines.text.segment import FullSegmentation
from pipelines.text.types import Detection

BATCH = 250
_DETECTOR: Detector | None = None
_MODE = "fast"
_TAG = ""

Result = tuple[StoredText, Detection]


@dataclass
class RunResult:
    """Throughput and totals of one reprocessing run."""

    mode: str
    workers: int
    docs: int
    seconds: float
    flagged: int
    hits: int
    peak_mb: float
    detections: dict[int, tuple[float, bool, tuple[tuple[int, int, float, tuple[str, ...]], ...]]]
    cpu_seconds: float = 0.0  # of this process (all the work in a 1-worker run)

    @property
    def docs_per_second(self) -> float:
        """Documents per second."""
        return self.docs / self.seconds if self.seconds else 0.0

    @property
    def docs_per_cpu_second(self) -> float:
        """Documents per second of this process's CPU time (less sensitive to other load)."""
        return self.docs / self.cpu_seconds if self.cpu_seconds else 0.0


def populate(db: Path, count: int, seed: int = 1, chars: int = 1500) -> int:
    """Create a database of ``count`` synthetic stored versions; return how many are positive."""
    engine = open_database(str(db))
    with session_scope(engine) as session:
        source = ensure_source(session, SourceInfo("bench-synthetic", "bench (synthetic)",
                                                   "state_media", "zh", "listing"))
        source_id = source.id
    positives, batch = 0, []
    for doc in generate(count, seed=seed, chars=chars):
        positives += doc.positive
        batch.append((f"http://bench.invalid/{doc.index}.html", doc.text))
        if len(batch) == 2000:
            with engine.begin() as conn:
                add_texts(conn, source_id, batch, "bench-synthetic")
            batch = []
    if batch:
        with engine.begin() as conn:
            add_texts(conn, source_id, batch, "bench-synthetic")
    engine.dispose()
    return positives


def _init(mode: str, tag: str) -> None:
    global _DETECTOR, _MODE, _TAG
    _TAG = tag
    if _DETECTOR is not None and mode == _MODE:
        return
    _DETECTOR, _MODE = Detector(), mode
    _DETECTOR.detect("和田地区转移就业")  # load jieba now, not inside the timed loop


def _detect(batch: list[StoredText]) -> list[Result]:
    assert _DETECTOR is not None
    results = []
    for stored in batch:
        if _MODE == "fast":
            detection = _DETECTOR.detect(stored.text, stored.language, stored.script)
        else:
            prepared = _DETECTOR.prepare(stored.text, stored.language)
            segmentation = FullSegmentation(prepared.normalised, _DETECTOR.segmenter)
            detection = _DETECTOR.flag(prepared, segmentation)
        tag = f"{detection.lexicon_version}+{_TAG}"
        hits = tuple(dataclasses.replace(hit, lexicon_version=tag) for hit in detection.hits)
        results.append((stored, dataclasses.replace(detection, lexicon_version=tag, hits=hits)))
    return results


def _batches(engine: Engine, limit: int) -> Iterator[list[StoredText]]:
    left = limit
    for batch in iter_texts(engine, BATCH):
        yield batch[:left]
        left -= len(batch)
        if left <= 0:
            return


def _results(
    engine: Engine, mode: str, tag: str, workers: int, limit: int
) -> Iterator[list[Result]]:
    if workers <= 1:
        yield from map(_detect, _batches(engine, limit))
        return
    # Pool.imap reads its input as fast as it can: hold it to a few batches per worker, so a
    # million stored documents are streamed, never queued in memory.
    slots = threading.BoundedSemaphore(4 * workers)

    def throttled() -> Iterator[list[StoredText]]:
        for batch in _batches(engine, limit):
            slots.acquire()
            yield batch

    with Pool(workers, initializer=_init, initargs=(mode, tag)) as pool:
        for results in pool.imap(_detect, throttled()):
            slots.release()
            yield results


def run(db: Path, mode: str, workers: int, limit: int, keep: int = 0, tag: str = "") -> RunResult:
    """Reprocess up to ``limit`` versions; keep the first ``keep`` detections for comparison.

    ``tag`` (default: mode and worker count) is appended to the lexicon version of the stored
    rows, so several runs can share one database.
    """
    tag = tag or f"bench-{mode}-{workers}"
    engine = open_database(str(db), create=False)
    result = RunResult(mode, workers, 0, 0.0, 0, 0, 0.0, {})
    if workers <= 1:
        _init(mode, tag)  # warm-up outside the clock, as the pool initialiser does
    with PeakMemory() as memory:
        started, cpu = time.perf_counter(), time.process_time()
        for results in _results(engine, mode, tag, workers, limit):
            with engine.begin() as conn:
                result.hits += append_detections(conn, results, tag)
            for stored, detection in results:
                result.docs += 1
                result.flagged += detection.flagged
                if len(result.detections) < keep:
                    result.detections[stored.version_id] = _summary(detection)
        result.seconds = time.perf_counter() - started
        result.cpu_seconds = time.process_time() - cpu
    result.peak_mb = memory.peak_mb
    engine.dispose()
    return result


def _summary(
    detection: Detection,
) -> tuple[float, bool, tuple[tuple[int, int, float, tuple[str, ...]], ...]]:
    return detection.score, detection.flagged, tuple(
        (hit.start, hit.end, hit.score, hit.terms) for hit in detection.hits)


def differences(first: RunResult, second: RunResult) -> list[int]:
    """Version ids whose detections differ between two runs (over the versions both kept)."""
    common = first.detections.keys() & second.detections.keys()
    return sorted(v for v in common if first.detections[v] != second.detections[v])
