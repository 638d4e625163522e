"""A synchronous writer the crawl's store stage drives from its writer thread."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from db.engine import data_dir_for, open_database, session_scope
from db.rawstore import RawStore
from db.store import BatchResult, CaptureRecord, SourceInfo, ensure_source, finish_run, start_run
from db.warc import WarcSink, warcinfo_fields

T = TypeVar("T")


class StoreWriter:
    """Owns the engine and raw store of one crawl; every call is one transaction."""

    def __init__(
        self, engine: Engine, raw: RawStore, run_id: int, warc: WarcSink | None = None
    ) -> None:
        self.engine = engine
        self.raw = raw
        self.run_id = run_id
        self.warc = warc
        self.totals = BatchResult()

    @classmethod
    def open(cls, db: str | None, source: SourceInfo, run_id: int | None) -> StoreWriter:
        """Open the database, register the source and start a run unless one is given."""
        engine = open_database(db)
        _once_more_on_race(lambda: _register(engine, source))
        if run_id is None:
            with session_scope(engine) as session:
                run_id = start_run(session, [source.slug])
        url = engine.url.render_as_string(hide_password=False)
        data_dir = data_dir_for(url)
        warc = WarcSink(data_dir, f"run-{run_id:05d}-{source.slug}",
                        warcinfo_fields(run_id, source.slug, source.publisher))
        return cls(engine, RawStore(data_dir), run_id, warc)

    def write(self, records: Sequence[CaptureRecord]) -> BatchResult:
        """Store one batch in one transaction."""
        from db.store import store_batch

        def attempt() -> BatchResult:
            with session_scope(self.engine) as session:
                return store_batch(session, self.raw, records, self.run_id, self.warc)

        result = _once_more_on_race(attempt)
        self.totals.add(result)
        return result

    def finish(self, status: str, stats: dict[str, Any]) -> None:
        """Close the run with its exit state and counters."""
        with session_scope(self.engine) as session:
            finish_run(session, self.run_id, status, stats)

    def close(self) -> None:
        """Close the WARC file and release the engine's connections."""
        if self.warc is not None:
            self.warc.close()
        self.engine.dispose()


# Writers open in this process, by the key their store stage chose: the stage calls the
# functions below on an executor, which may be a thread here or the shared writer process.
_OPEN: dict[str, StoreWriter] = {}


def open_writer(key: str, db: str | None, source: SourceInfo, run_id: int | None) -> int:
    """Open a writer under ``key`` in this process; return its run id."""
    _OPEN[key] = StoreWriter.open(db, source, run_id)
    return _OPEN[key].run_id


def write_batch(key: str, records: Sequence[CaptureRecord]) -> BatchResult:
    """Store one batch with the writer opened under ``key``."""
    return _OPEN[key].write(records)


def finish_writer(key: str, status: str, stats: dict[str, Any]) -> None:
    """Close the run of the writer opened under ``key``."""
    _OPEN[key].finish(status, stats)


def close_writer(key: str) -> None:
    """Close and forget the writer opened under ``key`` (nothing if it never opened)."""
    writer = _OPEN.pop(key, None)
    if writer is not None:
        writer.close()


def _register(engine: Engine, source: SourceInfo) -> None:
    with session_scope(engine) as session:
        ensure_source(session, source)


def _once_more_on_race(attempt: Callable[[], T]) -> T:
    """Run a transaction; when another crawl worker inserted the same row first, run it again.

    The second attempt sees the other worker's row (a source, or a document two workers
    reached at once). A retried batch may leave its first WARC records unreferenced.
    """
    try:
        return attempt()
    except IntegrityError:
        return attempt()


def source_info(source: Any) -> SourceInfo:
    """Return the database view of a crawler SourceConfig."""
    return SourceInfo(
        slug=source.slug, publisher=source.publisher, kind=source.kind,
        language=source.language, strategy=source.strategy,
        min_items=source.expect.min_items, definition_path=source.path,
    )
