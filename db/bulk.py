"""Bulk reads and writes for reprocessing at archive scale: streamed texts, batched inserts.

``db.store.store_batch`` stores one crawled item at a time through the ORM (right for a crawl:
dedup, versions, raw files, the FTS listener). Re-examining millions of stored versions needs
the opposite: read texts in id order, a batch at a time, and append the new detections with
one executemany per table. Nothing here updates or deletes a row. Every batch's new rows are
chained into the hash log (db.ledger) in the same transaction, with one more insert.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from db.ledger import covered_columns, log_returned, log_rows
from db.models import Document, Hit, Redetection, Version
from pipelines.text.types import Detection


@dataclass(frozen=True)
class StoredText:
    """One stored version's text, as reprocessing reads it."""

    version_id: int
    document_id: int
    text: str
    language: str
    script: str = ""  # as detected on this text when it was stored


def iter_texts(engine: Engine, batch: int = 1000, after: int = 0) -> Iterator[list[StoredText]]:
    """Every version's text in id order, ``batch`` at a time (keyset paging, constant memory)."""
    query = select(Version.id, Version.document_id, Version.text, Version.language,
                   Version.script)
    while True:
        with engine.connect() as conn:
            rows = conn.execute(query.where(Version.id > after).order_by(Version.id)
                                .limit(batch)).all()
        if not rows:
            return
        yield [StoredText(*row) for row in rows]
        after = rows[-1][0]


def count_versions(engine: Engine) -> int:
    """Number of stored versions."""
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count(Version.id))) or 0)


def add_texts(
    conn: Connection, source_id: int, texts: Sequence[tuple[str, str]], extractor: str
) -> None:
    """Append documents with one version each: (url, text); for synthetic archives and tests."""
    now = datetime.now(UTC)
    doc_rows = [{"url": url, "source_id": source_id, "first_seen_at": now, "last_seen_at": now,
                 "status": "live"} for url, _ in texts]
    conn.execute(insert(Document), doc_rows)
    ids = dict(conn.execute(select(Document.url, Document.id).where(
        Document.url.in_([url for url, _ in texts]))).tuples().all())
    versions = conn.execute(insert(Version).returning(Version.id), [
        {"document_id": ids[url], "sha256": hashlib.sha256(text.encode()).hexdigest(),
         "created_at": now, "language": "zh", "script": "hans", "text": text,
         "page_starts": "[]", "extractor": extractor, "lexicon_version": "", "score": 0.0,
         "flagged": False} for url, text in texts
    ]).scalars().all()
    log_rows(conn, {"documents": list(ids.values()), "versions": versions})


def _hit_rows(stored: StoredText, detection: Detection) -> Iterable[dict[str, object]]:
    for hit in detection.hits:
        yield {"version_id": stored.version_id, "document_id": stored.document_id,
               "start": hit.start, "end": hit.end, "sentence": hit.sentence,
               "terms": json.dumps(list(hit.terms), ensure_ascii=False),
               "categories": json.dumps(list(hit.categories), ensure_ascii=False),
               "companies": json.dumps(list(hit.companies), ensure_ascii=False),
               "score": hit.score, "lexicon_version": hit.lexicon_version,
               "slots": json.dumps(hit.slot_dict(), ensure_ascii=False)}


def append_detections(
    conn: Connection, results: Sequence[tuple[StoredText, Detection]], extractor: str,
    run_id: int | None = None,
) -> int:
    """Append one redetection row per version and its hit rows; return the hits added."""
    now = datetime.now(UTC)
    hits = [row for stored, detection in results for row in _hit_rows(stored, detection)]
    found: Sequence[Any] = conn.execute(insert(Hit).returning(*covered_columns("hits")),
                                        hits).all() if hits else []
    redone = conn.execute(insert(Redetection).returning(*covered_columns("redetections")), [
        {"version_id": stored.version_id, "run_id": run_id,
         "lexicon_version": detection.lexicon_version, "extractor": extractor,
         "score": detection.score, "flagged": detection.flagged, "extraction_changed": False,
         "hits_before": 0, "hits_after": len(detection.hits), "reviews_carried": 0,
         "dropped_hits": "[]", "created_at": now}
        for stored, detection in results
    ]).all()
    log_returned(conn, {"hits": found, "redetections": redone})
    return len(hits)
