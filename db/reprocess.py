"""Storage of reprocessing: runs, re-extractions, re-detected hits and carried-over reviews.

Nothing stored is rewritten (the workflow is ``evidence.services.reprocess``). A new reading of
a version's raw bytes is appended to ``extractions`` (text, its SHA-256, metadata, time) and
becomes the version's current text; ``versions.text`` keeps what the crawl extracted. Hits are
new ``hits`` rows that name their extraction, so their offsets cut their sentence out of
exactly that text. One ``redetections`` row per version records the detection, the text it ran
on and the extractor version that produced or confirmed that text, and so names the version's
current hits. Reviews are carried over to the same passage (same sentence; the nearest offset
when it occurs twice), and hits not found again are listed in ``redetections.dropped_hits``.
The search index is updated to the current text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.current import is_current_hit
from db.hits import TextRecord
from db.models import (
    Extraction,
    Hit,
    Redetection,
    ReprocessRun,
    Version,
    running_extractor_version,
)
from db.rawstore import RawStore
from db.review import carry_over
from db.search import index_versions
from db.store import slots_json
from pipelines.text.process import DocumentMeta, extract, first_header
from pipelines.text.types import Detection, Extracted, ExtractionError

# source slug -> (encoding override, extraction selectors) as the crawl used them
ExtractSettings = Callable[[str], tuple[str | None, Mapping[str, str]]]


@dataclass
class Outcome:
    """What reprocessing one version changed."""

    version_id: int
    hits_before: int = 0
    hits_after: int = 0
    new_passages: int = 0
    carried: int = 0
    dropped: list[int] = field(default_factory=list)
    reextracted: bool = False  # the raw bytes were extracted again
    extraction_changed: bool = False  # ... giving another text or metadata: a new extraction
    text_changed: bool = False  # ... whose text differs from the previous current text
    extraction_id: int | None = None  # the text detection ran on (None: the version's own)
    note: str | None = None  # why re-extraction was not possible (raw missing ...)


def open_run(session: Session, lexicon_version: str, extractor_version: str | None = None
             ) -> tuple[int, bool]:
    """Resume the newest unfinished run towards this lexicon and extractor, else start one;
    (id, resumed)."""
    extractor_version = extractor_version or running_extractor_version()
    run = session.scalar(select(ReprocessRun).where(
        ReprocessRun.lexicon_version == lexicon_version,
        ReprocessRun.extractor_version == extractor_version,
        ReprocessRun.status.in_(("running", "interrupted"))).order_by(ReprocessRun.id.desc()))
    if run is not None:
        run.status = "running"
        return run.id, True
    run = ReprocessRun(lexicon_version=lexicon_version, extractor_version=extractor_version,
                       started_at=datetime.now(UTC))
    session.add(run)
    session.flush()
    return run.id, False


def close_run(session: Session, run_id: int, status: str, stats: Mapping[str, object]) -> None:
    """Record how a run ended, adding its counters to those of earlier sittings."""
    run = session.get(ReprocessRun, run_id)
    if run is None:
        return
    merged = json.loads(run.stats or "{}")
    for key, value in stats.items():
        merged[key] = merged.get(key, 0) + value if isinstance(value, int) else value
    run.stats = json.dumps(merged, sort_keys=True)
    run.status = status
    run.finished_at = datetime.now(UTC) if status == "finished" else None


RAW_MISSING = "raw copy missing or altered"


def raw_document(raw: RawStore, version: Version, settings: ExtractSettings
                 ) -> tuple[bytes, DocumentMeta] | None:
    """The raw bytes of a version and what the crawl knew of them, or None when the raw copy
    is missing or altered (a page naming no publisher keeps the one the crawl stored)."""
    capture = version.first_capture
    if capture is None or not capture.sha256 or not raw.verify(capture.sha256):
        return None
    encoding, selectors = settings(version.document.source.slug)
    headers: dict[str, list[str]] = json.loads(capture.headers or "{}")
    return raw.read(capture.sha256), DocumentMeta(
        url=capture.final_url, content_type=capture.content_type,
        content_type_header=first_header(headers, "Content-Type"), encoding_override=encoding,
        selectors=selectors, publisher=version.publisher)


def reextract(raw: RawStore, version: Version, settings: ExtractSettings
              ) -> tuple[Extracted | None, str]:
    """Extract the stored raw bytes again as the crawl would; (extracted, "") or (None, why)."""
    found = raw_document(raw, version, settings)
    if found is None:
        return None, RAW_MISSING
    try:
        return extract(*found), ""
    except ExtractionError as exc:
        return None, f"extraction failed: {exc}"


def reading(row: Version | Extraction | Extracted) -> tuple[object, ...]:
    """Text and metadata of one extraction, to compare two of them."""
    starts = row.page_starts if isinstance(row, Extracted) else json.loads(row.page_starts)
    return (row.text, row.title, row.published_at, row.publisher, row.origin, row.editor,
            row.author, row.doc_number, list(starts))


def store_extraction(session: Session, version: Version, extracted: Extracted,
                     detection: Detection, run_id: int | None) -> TextRecord:
    """Append a re-extraction of ``version`` (never touching the version's own text)."""
    row = Extraction(
        version_id=version.id, run_id=run_id, extractor_version=running_extractor_version(),
        extractor=extracted.extractor, text=extracted.text,
        sha256=hashlib.sha256(extracted.text.encode("utf-8")).hexdigest(),
        page_starts=json.dumps(list(extracted.page_starts)), title=extracted.title,
        ocr=extracted.ocr.to_json() if extracted.ocr else None,
        published_at=extracted.published_at, publisher=extracted.publisher,
        origin=extracted.origin, editor=extracted.editor, author=extracted.author,
        doc_number=extracted.doc_number, charset=extracted.charset,
        language=detection.language, script=detection.script, created_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    return TextRecord(version.id, row.id, row.text, row.title, row.extractor,
                      row.extractor_version, row.language)


def _current_hits(session: Session, version: Version) -> list[Hit]:
    query = (select(Hit).join(Version, Hit.version_id == Version.id)
             .where(Hit.version_id == version.id, is_current_hit()))
    return list(session.scalars(query.order_by(Hit.start)))


def _store_hits(session: Session, version: Version, detection: Detection,
                extraction_id: int | None) -> list[Hit]:
    """Hit rows of ``detection`` in one text (rows already there are reused, not rewritten)."""
    existing = {h.start: h for h in session.scalars(select(Hit).where(
        Hit.version_id == version.id, Hit.lexicon_version == detection.lexicon_version,
        Hit.extraction_id.is_not_distinct_from(extraction_id)))}
    rows = []
    for hit in detection.hits:
        row = existing.get(hit.start) or Hit(
            version_id=version.id, document_id=version.document_id, start=hit.start,
            end=hit.end, sentence=hit.sentence,
            terms=json.dumps(list(hit.terms), ensure_ascii=False),
            categories=json.dumps(list(hit.categories), ensure_ascii=False),
            companies=json.dumps(list(hit.companies), ensure_ascii=False),
            score=hit.score, lexicon_version=hit.lexicon_version, extraction_id=extraction_id,
            slots=slots_json(hit))
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def same_passages(before: Sequence[Hit], after: Sequence[Hit]) -> dict[int, Hit]:
    """Pair each new hit with the old hit of the same passage: same offsets and sentence, else
    the same sentence at the nearest offset (a re-extracted text may have moved it)."""
    pairs: dict[int, Hit] = {}
    exact = {(h.start, h.end, h.sentence): h for h in before}
    for hit in after:
        if (found := exact.get((hit.start, hit.end, hit.sentence))) is not None:
            pairs[hit.id] = found
    used = {h.id for h in pairs.values()}
    for hit in (h for h in after if h.id not in pairs):
        same = [h for h in before if h.sentence == hit.sentence and h.id not in used]
        if same:
            pairs[hit.id] = min(same, key=lambda h: abs(h.start - hit.start))
            used.add(pairs[hit.id].id)
    return pairs


def apply_detection(session: Session, version: Version, detection: Detection, run_id: int,
                    outcome: Outcome, text: TextRecord, extractor_version: str) -> Outcome:
    """Store new hits in ``text``, carry reviews over, record the drops and the re-detection."""
    before = _current_hits(session, version)
    after = _store_hits(session, version, detection, text.extraction_id)
    pairs = same_passages(before, after)
    for hit in after:
        match = pairs.get(hit.id)
        if match is None:
            outcome.new_passages += 1
        elif match.id != hit.id:
            outcome.carried += carry_over(session, match.id, hit.id)
    found_again = {h.id for h in pairs.values()}
    outcome.dropped = [h.id for h in before if h.id not in found_again]
    outcome.hits_before, outcome.hits_after = len(before), len(after)
    outcome.extraction_id = text.extraction_id
    session.add(Redetection(
        version_id=version.id, run_id=run_id, lexicon_version=detection.lexicon_version,
        extractor=text.extractor, extractor_version=extractor_version,
        extraction_id=text.extraction_id, score=detection.score, flagged=detection.flagged,
        extraction_changed=outcome.extraction_changed, hits_before=len(before),
        hits_after=len(after), reviews_carried=outcome.carried,
        dropped_hits=json.dumps(outcome.dropped), created_at=datetime.now(UTC)))
    index_versions(session.connection(), [(version.id, text.title, text.text)])
    return outcome


@dataclass(frozen=True)
class DroppedHit:
    """A hit of the previous detection that the new detection did not find again."""

    hit_id: int
    version_id: int
    lexicon_version: str
    sentence: str
    review: str | None


def dropped_hits(session: Session, run_id: int) -> list[DroppedHit]:
    """Every hit a run found no more, with its last review state."""
    from db.review import latest

    out = []
    query = select(Redetection).where(Redetection.run_id == run_id).order_by(Redetection.id)
    for redo in session.scalars(query):
        for hit_id in json.loads(redo.dropped_hits):
            hit = session.get(Hit, hit_id)
            if hit is not None:
                review = latest(session, hit_id)
                out.append(DroppedHit(hit.id, hit.version_id, hit.lexicon_version,
                                      hit.sentence, review.status if review else None))
    return out
