"""Re-run extraction and detection over stored versions without re-crawling.

A version whose current text was made by an older extractor
(``pipelines.text.extract.EXTRACTOR_VERSION``; ``--all``: every version) is processed again from
its raw bytes (``process_document``, with the crawl's charset logic and the source's encoding
override, selectors and region). When the text or metadata differ, the new reading is stored as
the version's current text and detection runs on it; otherwise detection runs on the current
text. Hits, reviews and the search index follow (``db.reprocess``). Each version is its own
transaction, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, exists, or_, select, true
from sqlalchemy.orm import Session

from db.current import current_extractor_version, current_lexicon
from db.engine import session_scope
from db.hits import TextRecord, current_text
from db.models import (
    Document,
    Extraction,
    Redetection,
    Source,
    Version,
    running_extractor_version,
)
from db.rawstore import RawStore
from db.reprocess import (
    RAW_MISSING,
    DroppedHit,
    ExtractSettings,
    Outcome,
    apply_detection,
    close_run,
    dropped_hits,
    open_run,
    raw_document,
    reading,
    store_extraction,
)
from pipelines.text.detect import Detector
from pipelines.text.process import ProcessedDocument, process_document, shared_detector

COUNTERS = ("versions", "re_extracted", "texts_changed", "new_extractions", "not_re_extracted",
            "hits_added", "hits_disappeared", "reviews_carried")


def needs_work(lexicon_version: str, extractor_version: str) -> Any:
    """Versions whose current detection is not on this lexicon or this extractor's text."""
    return or_(current_lexicon() != lexicon_version,
               current_extractor_version() != extractor_version)


def pending(session: Session, lexicon_version: str, run_id: int, everything: bool = False,
            source: str | None = None, extractor_version: str | None = None) -> list[int]:
    """Ids of versions this run has not done yet that are not on ``lexicon_version`` and the
    running extractor (with ``everything``: all of them)."""
    done_here = exists().where(Redetection.version_id == Version.id, Redetection.run_id == run_id)
    wanted = true() if everything else needs_work(
        lexicon_version, extractor_version or running_extractor_version())
    query = select(Version.id).where(~done_here, wanted).order_by(Version.id)
    if source:
        query = (query.join(Document, Version.document_id == Document.id)
                 .join(Source, Document.source_id == Source.id).where(Source.slug == source))
    return list(session.scalars(query))


def to_reextract(session: Session, ids: Sequence[int], extractor_version: str | None = None
                 ) -> int:
    """How many of ``ids`` hold a text made by another extractor version."""
    target = extractor_version or running_extractor_version()
    query = select(Version.id).where(current_extractor_version() != target)
    found = 0
    for start in range(0, len(ids), 900):
        chunk = list(ids[start:start + 900])
        found += len(list(session.scalars(query.where(Version.id.in_(chunk)))))
    return found


def _processed_again(raw: RawStore, version: Version, settings: ExtractSettings,
                     detector: Detector, region: str | None, current: Version | Extraction
                     ) -> tuple[ProcessedDocument, str]:
    """Process the stored raw bytes again as the crawl would, detecting only a reading that
    differs from ``current``; (document, why not or "")."""
    found = raw_document(raw, version, settings)
    if found is None:
        return ProcessedDocument(), RAW_MISSING
    body, meta = found
    done = process_document(body, replace(meta, region=region), detector,
                            detect_if=lambda extracted: reading(extracted) != reading(current))
    return done, f"extraction failed: {done.error}" if done.error is not None else ""


def _current_row(session: Session, version: Version, text: TextRecord) -> Version | Extraction:
    found = session.get(Extraction, text.extraction_id) if text.extraction_id else None
    return found or version


def reprocess_version(session: Session, raw: RawStore, version_id: int, detector: Detector,
                      settings: ExtractSettings, run_id: int, reextract_all: bool = False,
                      regions: Mapping[str, str] | None = None,
                      detectors: Mapping[str, Detector] | None = None) -> Outcome:
    """Re-extract (when its text is from another extractor, or ``reextract_all``) and
    re-detect one stored version (the caller commits); ``regions``: sources' declared Xinjiang
    regions by slug (crawler.sources.source_regions); ``detectors``: the detectors of sources
    with a lexicon overlay, by slug (the others use ``detector``)."""
    version = session.get(Version, version_id)
    text = current_text(session, version_id) if version is not None else None
    if version is None or text is None:
        return Outcome(version_id, note="version not found")
    outcome, confirmed, again = Outcome(version_id), text.extractor_version, ProcessedDocument()
    region = (regions or {}).get(version.document.source.slug) if regions else None
    detector = (detectors or {}).get(version.document.source.slug, detector)
    if reextract_all or text.extractor_version != running_extractor_version():
        current = _current_row(session, version, text)
        again, why = _processed_again(raw, version, settings, detector, region, current)
        outcome.note, outcome.reextracted = why or None, again.extracted is not None
        confirmed = running_extractor_version() if again.extracted is not None else confirmed
    if again.extracted is not None and again.detection is not None:  # a new reading
        outcome.extraction_changed = True
        outcome.text_changed = again.extracted.text != text.text
        detection = again.detection
        text = store_extraction(session, version, again.extracted, detection, run_id)
    else:
        detection = detector.detect(text.text, text.language, region=region)
    return apply_detection(session, version, detection, run_id, outcome, text, confirmed)


def extract_settings(engine: Engine) -> ExtractSettings:
    """source slug -> (encoding override, selectors), read from the source's YAML file."""
    from crawler.sources import SourceError, load_source

    with session_scope(engine) as session:
        paths = {s.slug: s.definition_path for s in session.query(Source)}
    cache: dict[str, tuple[str | None, dict[str, str]]] = {}

    def settings(slug: str) -> tuple[str | None, dict[str, str]]:
        if slug not in cache:
            try:
                source = load_source(Path(paths.get(slug) or ""))
                cache[slug] = (source.encoding, source.selector_map())
            except (SourceError, OSError):
                cache[slug] = (None, {})  # file gone: the generic extractor, no override
        return cache[slug]

    return settings


def overlay_detectors() -> dict[str, Detector]:
    """The detectors of the sources with a lexicon overlay (the demo's), by slug."""
    from crawler.sources import SourceError, source_overlays

    try:
        return {slug: shared_detector(name) for slug, name in source_overlays().items()}
    except SourceError:  # reported by `evidence sources`; those sources use the bundled lexicon
        return {}


def _regions() -> dict[str, str]:
    """The sources' declared Xinjiang regions, by slug."""
    from crawler.sources import SourceError, source_regions

    try:
        return source_regions()
    except SourceError:  # a broken source file must not stop reprocessing; it is reported
        return {}  # by `evidence sources`


@dataclass(frozen=True)
class Plan:
    """A reprocess run opened (or resumed) and the versions it has to do."""

    run_id: int
    resumed: bool
    todo: list[int]
    stale: int  # how many of them are extracted again from their raw copies


def start(engine: Engine, detector: Detector, everything: bool = False,
          source: str | None = None) -> Plan:
    """Resume the unfinished run towards the detector's lexicon and the running extractor, or
    open one, and list what it has to do (``everything``: every version)."""
    target, extractor = detector.lexicon.version, running_extractor_version()
    with session_scope(engine) as session:
        run_id, resumed = open_run(session, target, extractor)
        todo = pending(session, target, run_id, everything, source, extractor)
        stale = len(todo) if everything else to_reextract(session, todo, extractor)
    return Plan(run_id, resumed, todo, stale)


def run(engine: Engine, raw: RawStore, plan: Plan, detector: Detector, everything: bool = False,
        overlaid: Mapping[str, Detector] | None = None,
        done: Callable[[int, Outcome], None] = lambda _id, _outcome: None,
        ) -> tuple[dict[str, int], str]:
    """Reprocess the plan's versions, one transaction each, calling ``done`` after each;
    (totals, "finished" or "interrupted")."""
    settings, regions = extract_settings(engine), _regions()
    totals = dict.fromkeys(COUNTERS, 0)
    try:
        for version_id in plan.todo:
            with session_scope(engine) as session:
                got = reprocess_version(session, raw, version_id, detector, settings,
                                        plan.run_id, everything, regions, overlaid)
            _add(totals, got)
            done(version_id, got)
    except KeyboardInterrupt:
        return totals, "interrupted"
    return totals, "finished"


def _add(totals: dict[str, int], got: Outcome) -> None:
    totals["versions"] += 1
    totals["re_extracted"] += got.reextracted
    totals["texts_changed"] += got.text_changed
    totals["new_extractions"] += got.extraction_changed  # text or metadata changed
    totals["not_re_extracted"] += got.note is not None
    totals["hits_added"] += got.new_passages
    totals["hits_disappeared"] += len(got.dropped)
    totals["reviews_carried"] += got.carried


def finish(engine: Engine, run_id: int, status: str, totals: Mapping[str, int]
           ) -> list[DroppedHit]:
    """Record how the run ended; the hits it found no more."""
    with session_scope(engine) as session:
        close_run(session, run_id, status, totals)
        return dropped_hits(session, run_id)
