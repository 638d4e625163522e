"""Process one document: decode, extract, detect the language, normalise, segment and flag.

The crawl, ``evidence reprocess`` and ``evidence detect FILE`` all process a document here, so
they cannot disagree. ``process_document`` is pure: what a caller knows of the document (its
address, headers, source settings) comes in a ``DocumentMeta``, the result is a
``ProcessedDocument``; nothing is read or written elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pipelines.text.detect import Detector, Prepared
from pipelines.text.encoding import charset_from_content_type
from pipelines.text.extract import document_kind, extract_document
from pipelines.text.language import detect_language
from pipelines.text.segment import Segmentation
from pipelines.text.types import Detection, Extracted, ExtractionError

_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")  # UTF-8, UTF-16 LE/BE (and -32)
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class DocumentMeta:
    """What the caller knows of a document besides its bytes."""

    url: str
    content_type: str | None = None
    content_type_header: str | None = None  # the server's Content-Type header, for its charset
    encoding_override: str | None = None  # the source's declared charset
    selectors: Mapping[str, str] = field(default_factory=dict)  # the source's CSS selectors
    publisher: str | None = None  # the publisher to name when the page names none
    region: str | None = None  # the source's declared Xinjiang region (an anchor)
    lexicon_overlay: str | None = None  # the source's lexicon overlay (e.g. demo companies)
    refuse_binary: bool = False  # a local file: bytes that are no text are an error


@dataclass(frozen=True)
class StepFailure:
    """An unexpected error in one step of processing (a bug, or a page no step foresaw)."""

    step: str  # extract | language | normalise | segment | flag
    error: Exception


@dataclass(frozen=True)
class ProcessedDocument:
    """What processing made of one document; ``error`` says why extraction failed."""

    extracted: Extracted | None = None
    language: str | None = None
    prepared: Prepared | None = None
    segmentation: Segmentation | None = None
    detection: Detection | None = None
    error: str | None = None
    failure: StepFailure | None = None


def shared_detector(overlay: str | None = None) -> Detector:
    """Return the process-wide detector of the bundled lexicon, or of it with a source's
    overlay (lexicon automaton and jieba loaded once each)."""
    return _detector(overlay or None)


@lru_cache(maxsize=4)
def _detector(overlay: str | None) -> Detector:
    from pipelines.text.lexicon import lexicon_for

    return Detector(lexicon_for(overlay) if overlay else None)


def first_header(headers: Mapping[str, Sequence[str]], name: str) -> str | None:
    """The first value of a header, its name in any case, or None."""
    for key, values in headers.items():
        if key.lower() == name.lower() and values:
            return values[0]
    return None


def is_binary(body: bytes) -> bool:
    """Whether bytes are no text: a NUL byte near the start and no byte-order mark."""
    return b"\x00" in body[:_SNIFF_BYTES] and not body.startswith(_TEXT_BOMS)


def extract(raw: bytes, meta: DocumentMeta) -> Extracted:
    """Extract main text and metadata of a body as the crawl does (raises ExtractionError)."""
    if meta.refuse_binary and is_binary(raw) and document_kind(
            raw, meta.content_type, meta.url) in ("text", "html"):
        raise ExtractionError("a binary file, not text, HTML, PDF or Word")
    extracted = extract_document(
        raw, meta.content_type, meta.url,
        header_charset=charset_from_content_type(meta.content_type_header),
        encoding_override=meta.encoding_override, selectors=meta.selectors)
    if not extracted.publisher and meta.publisher:
        extracted = replace(extracted, publisher=meta.publisher)
    return extracted


def process_document(raw: bytes, meta: DocumentMeta, detector: Detector | None = None,
                     contain_failures: bool = False,
                     detect_if: Callable[[Extracted], bool] | None = None) -> ProcessedDocument:
    """Extract and detect one document (``detector``: by default the shared one of the
    source's overlay). With ``contain_failures``, an unexpected error ends processing and is
    returned as ``failure`` with what the steps before it made; otherwise it is raised.
    ``detect_if``: detect only an extraction it accepts (reprocessing skips a reading it has)."""
    progress = _Progress()
    found = detector or shared_detector(meta.lexicon_overlay)
    try:
        return _process(raw, meta, found, progress, detect_if)
    except Exception as exc:
        if not contain_failures:
            raise
        return replace(progress.done, failure=StepFailure(progress.step, exc))


@dataclass
class _Progress:
    """The step running and what the steps before it made."""

    step: str = "extract"
    done: ProcessedDocument = field(default_factory=ProcessedDocument)

    def reached(self, step: str, done: ProcessedDocument) -> ProcessedDocument:
        """Record what the steps so far made; ``step`` runs now."""
        self.step, self.done = step, done
        return done


def _process(raw: bytes, meta: DocumentMeta, detector: Detector, progress: _Progress,
             detect_if: Callable[[Extracted], bool] | None) -> ProcessedDocument:
    try:
        extracted = extract(raw, meta)
    except ExtractionError as exc:
        return ProcessedDocument(error=str(exc))
    if detect_if is not None and not detect_if(extracted):
        return ProcessedDocument(extracted=extracted)
    done = progress.reached("language", ProcessedDocument(extracted=extracted))
    language = detect_language(extracted.text)
    done = progress.reached("normalise", replace(done, language=language))
    prepared = detector.prepare(extracted.text, language, region=meta.region)
    done = progress.reached("segment", replace(done, prepared=prepared))
    segmentation = detector.segment(prepared)
    done = progress.reached("flag", replace(done, segmentation=segmentation))
    return replace(done, detection=detector.flag(prepared, segmentation))
