"""Re-run extraction and detection over stored versions without re-crawling.

Nothing stored is rewritten: a new lexicon version adds new ``hits`` rows (the old ones stay,
superseded), one ``redetections`` row per version records the new detection and names the
version's current hits, reviews are carried over to the same passage (same version, offsets and
sentence), and hits that are not found again are listed in ``redetections.dropped_hits``.
Re-extraction from the raw bytes is compared with the stored text: when it differs the version is
reported (``extraction_changed``) and detection still runs on the stored text, which is what
citations quote. Each version is its own transaction, so an interrupted run resumes where it
stopped: a version whose current detection already has the target lexicon is done.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.models import Capture, Document, Hit, Redetection, ReprocessRun, Source, Version
from db.queries import current_lexicon
from db.rawstore import RawStore
from db.review import carry_over
from db.search import index_versions
from pipelines.text.detect import Detector
from pipelines.text.types import Detection, ExtractionError

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
    extraction_changed: bool = False
    note: str | None = None  # why re-extraction could not be compared (raw missing ...)


def pending(session: Session, lexicon_version: str, run_id: int, everything: bool = False,
            source: str | None = None) -> list[int]:
    """Ids of versions still to do: not yet on ``lexicon_version`` (or, with ``everything``,
    not yet done by this run)."""
    done_here = exists().where(Redetection.version_id == Version.id, Redetection.run_id == run_id)
    todo = ~done_here if everything else current_lexicon() != lexicon_version
    query = select(Version.id).where(todo).order_by(Version.id)
    if source:
        query = (query.join(Document, Version.document_id == Document.id)
                 .join(Source, Document.source_id == Source.id).where(Source.slug == source))
    return list(session.scalars(query))


def open_run(session: Session, lexicon_version: str) -> tuple[int, bool]:
    """Resume the newest unfinished run towards this lexicon, else start one; (id, resumed)."""
    run = session.scalar(select(ReprocessRun).where(
        ReprocessRun.lexicon_version == lexicon_version,
        ReprocessRun.status.in_(("running", "interrupted"))).order_by(ReprocessRun.id.desc()))
    if run is not None:
        run.status = "running"
        return run.id, True
    run = ReprocessRun(lexicon_version=lexicon_version, started_at=datetime.now(UTC))
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


def _header_charset(capture: Capture) -> str | None:
    from pipelines.text.encoding import charset_from_content_type

    headers: dict[str, list[str]] = json.loads(capture.headers or "{}")
    for name, values in headers.items():
        if name.lower() == "content-type" and values:
            return charset_from_content_type(values[0])
    return None


def reextract(raw: RawStore, version: Version, settings: ExtractSettings) -> tuple[str | None, str]:
    """Extract the stored raw bytes again; (text, extractor) or (None, why not)."""
    from pipelines.text.extract import extract_document

    capture = version.first_capture
    if capture is None or not capture.sha256 or not raw.verify(capture.sha256):
        return None, "raw copy missing or altered"
    encoding, selectors = settings(version.document.source.slug)
    try:
        extracted = extract_document(
            raw.read(capture.sha256), capture.content_type, capture.final_url,
            header_charset=_header_charset(capture), encoding_override=encoding,
            selectors=selectors)
    except ExtractionError as exc:
        return None, f"extraction failed: {exc}"
    return extracted.text, extracted.extractor


def _current_hits(session: Session, version: Version) -> list[Hit]:
    lexicon = session.scalar(select(current_lexicon()).where(Version.id == version.id))
    query = select(Hit).where(Hit.version_id == version.id, Hit.lexicon_version == lexicon)
    return list(session.scalars(query.order_by(Hit.start)))


def _store_hits(session: Session, version: Version, detection: Detection) -> list[Hit]:
    """Hit rows of ``detection`` (existing rows of the same lexicon are reused, not rewritten)."""
    existing = {h.start: h for h in session.scalars(select(Hit).where(
        Hit.version_id == version.id, Hit.lexicon_version == detection.lexicon_version))}
    rows = []
    for hit in detection.hits:
        row = existing.get(hit.start) or Hit(
            version_id=version.id, document_id=version.document_id, start=hit.start,
            end=hit.end, sentence=hit.sentence,
            terms=json.dumps(list(hit.terms), ensure_ascii=False),
            categories=json.dumps(list(hit.categories), ensure_ascii=False),
            companies=json.dumps(list(hit.companies), ensure_ascii=False),
            score=hit.score, lexicon_version=hit.lexicon_version)
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def apply_detection(session: Session, version: Version, detection: Detection, run_id: int,
                    outcome: Outcome, extractor: str) -> Outcome:
    """Store new hits, carry reviews over, record the drops and the re-detection."""
    before = _current_hits(session, version)
    after = _store_hits(session, version, detection)
    old = {(h.start, h.end, h.sentence): h for h in before}
    new_keys = {(h.start, h.end, h.sentence) for h in after}
    for hit in after:
        match = old.get((hit.start, hit.end, hit.sentence))
        if match is None:
            outcome.new_passages += 1
        elif match.id != hit.id:
            outcome.carried += carry_over(session, match.id, hit.id)
    outcome.dropped = [h.id for key, h in old.items() if key not in new_keys]
    outcome.hits_before, outcome.hits_after = len(before), len(after)
    session.add(Redetection(
        version_id=version.id, run_id=run_id, lexicon_version=detection.lexicon_version,
        extractor=extractor, score=detection.score, flagged=detection.flagged,
        extraction_changed=outcome.extraction_changed, hits_before=len(before),
        hits_after=len(after), reviews_carried=outcome.carried,
        dropped_hits=json.dumps(outcome.dropped), created_at=datetime.now(UTC)))
    index_versions(session.connection(), [(version.id, version.title, version.text)])
    return outcome


def reprocess_version(session: Session, raw: RawStore, version_id: int, detector: Detector,
                      settings: ExtractSettings, run_id: int) -> Outcome:
    """Re-extract (to compare) and re-detect one stored version (the caller commits)."""
    version = session.get(Version, version_id)
    if version is None:
        return Outcome(version_id, note="version not found")
    outcome = Outcome(version_id)
    text, extractor = reextract(raw, version, settings)
    if text is None:
        outcome.note, extractor = extractor, version.extractor
    else:
        outcome.extraction_changed = text != version.text
    detection = detector.detect(version.text, version.language)
    return apply_detection(session, version, detection, run_id, outcome, extractor)


@dataclass(frozen=True)
class DroppedHit:
    """A hit of the previous lexicon that the new detection did not find again."""

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
