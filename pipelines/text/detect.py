"""The detector: normalise, segment lazily, match the lexicon, score, and build the Detection."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from pipelines.text.flag import Match, Matcher, accept, has_figure
from pipelines.text.language import detect_language, detect_script
from pipelines.text.lexicon import (
    COMPANY,
    COUNTER,
    ELSEWHERE,
    FIGURE,
    LABOUR_CATEGORIES,
    PLACE,
    Lexicon,
    load_lexicon,
)
from pipelines.text.normalise import fold_for_matching
from pipelines.text.score import (
    ELSEWHERE as ELSEWHERE_CONTEXT,
)
from pipelines.text.score import (
    UNPLACED,
    XINJIANG,
    SentenceEvidence,
    document_score,
    is_flagged,
    sentence_score,
)
from pipelines.text.segment import Segmentation, Segmenter
from pipelines.text.sentences import looks_like_navigation, split_sentences
from pipelines.text.types import Detection, Hit

DETECTOR_VERSION = "events-1"  # bump when the detection logic (not the lexicon) changes

_LABOUR = frozenset(LABOUR_CATEGORIES)
_XINJIANG = frozenset((PLACE, COMPANY))
_ELSEWHERE = frozenset((ELSEWHERE,))
_COUNTER = frozenset((COUNTER,))


@dataclass(frozen=True)
class Prepared:
    """A document ready for matching; ``normalised`` has the same length as ``text``."""

    text: str
    normalised: str  # width-folded, simplified, lower-cased (offsets = those of ``text``)
    language: str
    script: str

    @cached_property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        """Spans of ``text``'s sentences, split on first use (a page without labour-term
        candidates never needs them)."""
        return tuple(split_sentences(self.text))


@dataclass(frozen=True)
class _Sentence:
    """The matches and figures that fall in one sentence."""

    start: int
    end: int
    matches: tuple[Match, ...]
    figure: bool


def _language_hint(language: str | None) -> str | None:
    """Primary subtag of a language hint ("zh-CN" -> "zh"), or None."""
    if not language or not language.strip():
        return None
    return language.strip().lower().replace("_", "-").split("-")[0]


def _evidence(sentence: _Sentence, document_context: bool) -> SentenceEvidence:
    """Scoring input for one sentence."""
    labour: dict[str, tuple[str, float]] = {}
    counter: dict[str, float] = {}
    place = 0.0
    companies = [m.entry for m in sentence.matches if m.entry.category == COMPANY]
    for match in sentence.matches:
        entry = match.entry
        if entry.category in _LABOUR:
            labour[entry.canonical] = (entry.category, entry.weight)
        elif entry.category == COUNTER:
            counter[entry.canonical] = entry.weight
        elif entry.category == PLACE:
            place = max(place, entry.weight)
    return SentenceEvidence(
        labour=tuple(labour.values()),
        counter_weights=tuple(counter.values()),
        place_weight=place,
        company=bool(companies),
        company_tied=any(entry.weight >= 1.0 for entry in companies),
        figure=sentence.figure,
        document_context=document_context,
    )


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    """Values without repeats, in first-seen order."""
    return tuple(dict.fromkeys(values))


Buckets = dict[int, tuple[list[Match], list[Match]]]


def _bucket(
    spans: Sequence[tuple[int, int]], chinese: list[Match], english: list[Match]
) -> Buckets:
    """Candidates by the index of the sentence containing their start (Chinese, English)."""
    starts = [start for start, _ in spans]
    buckets: Buckets = {}
    for side, matches in enumerate((chinese, english)):
        for match in matches:
            i = bisect.bisect_right(starts, match.start) - 1
            if i >= 0 and match.start < spans[i][1]:
                buckets.setdefault(i, ([], []))[side].append(match)
    return buckets


def _in_any(offset: int, sentences: list[_Sentence]) -> bool:
    """Whether ``offset`` falls inside one of ``sentences``."""
    return any(s.start <= offset < s.end for s in sentences)


def _first_accepted(
    buckets: Buckets, categories: frozenset[str], segmentation: Segmentation, length: int
) -> bool:
    """Whether any sentence has an accepted match in ``categories`` (stops at the first)."""
    for i in sorted(buckets):
        chinese, english = buckets[i]
        maybe = _has(chinese, categories) or _has(english, categories)
        if maybe and _has(accept(chinese, english, segmentation, length), categories):
            return True
    return False


def _has(matches: Iterable[Match], categories: frozenset[str]) -> bool:
    """Whether any match belongs to one of ``categories``."""
    return any(match.entry.category in categories for match in matches)


class Detector:
    """Finds sentences describing labour transfers; automata and segmenter are built once."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        self._matcher = Matcher(self.lexicon)
        self._segmenter = Segmenter(self._matcher.zh_keys)

    @property
    def segmenter(self) -> Segmenter:
        """The jieba segmenter with the lexicon's Chinese spellings as user words."""
        return self._segmenter

    def prepare(
        self, text: str, language: str | None = None, script: str | None = None
    ) -> Prepared:
        """Normalise ``text`` and work out its language, script and sentences.

        ``script``: the script already detected on this very text (a stored version's, when
        reprocessing its stored text), which saves a pass over the text.
        """
        return Prepared(
            text=text,
            normalised=fold_for_matching(text),
            language=_language_hint(language) or detect_language(text),
            script=script or detect_script(text),
        )

    def segment(self, prepared: Prepared) -> Segmentation:
        """A lazy segmentation of the normalised text, by the original text's sentences."""
        return Segmentation(prepared.normalised, self._segmenter, lambda: prepared.sentences)

    def flag(self, prepared: Prepared, segmentation: Segmentation) -> Detection:
        """Match, score and (if flagged) list the hit sentences of a prepared document.

        Only sentences with a labour-term candidate are segmented (and, for the Xinjiang
        context, the first sentence that yields a place or company): a page without labour
        vocabulary costs one automaton pass and no jieba call.
        """
        text, normalised = prepared.text, prepared.normalised
        candidates = self._matcher.labour_candidates(normalised)
        sentences: list[_Sentence] = []
        buckets: Buckets = {}
        if candidates is not None:
            buckets = _bucket(prepared.sentences, *candidates)
            sentences = self._labour_sentences(prepared, buckets, segmentation)
        context, counters = UNPLACED, 0.0
        if sentences:
            context = self._context(buckets, sentences, segmentation, len(normalised))
            counters = self._other_counters(buckets, sentences, segmentation, len(normalised))
        xinjiang = context == XINJIANG
        scored = [(s, sentence_score(_evidence(s, xinjiang))) for s in sentences]
        score = document_score((value for _, value in scored), context, [counters])
        flagged = is_flagged(score)
        hits = tuple(self._hit(text, s, value) for s, value in scored) if flagged else ()
        return Detection(
            language=prepared.language,
            script=prepared.script,
            score=score,
            flagged=flagged,
            lexicon_version=self.lexicon.version,
            hits=hits,
        )

    def _labour_sentences(
        self, prepared: Prepared, buckets: Buckets, segmentation: Segmentation
    ) -> list[_Sentence]:
        """The sentences whose accepted matches include a labour term, in text order."""
        normalised, found = prepared.normalised, []
        for i in sorted(buckets):
            chinese, english = buckets[i]
            if not _has(chinese, _LABOUR) and not _has(english, _LABOUR):
                continue
            start, end = prepared.sentences[i]
            if looks_like_navigation(prepared.text[start:end]):
                continue
            matches = accept(chinese, english, segmentation, len(normalised))
            if _has(matches, _LABOUR):
                figure = has_figure(normalised, start, end)
                found.append(_Sentence(start, end, tuple(matches), figure))
        return found

    def _context(
        self, buckets: Buckets, sentences: list[_Sentence], segmentation: Segmentation, length: int
    ) -> str:
        """XINJIANG if an accepted Xinjiang place or company appears, else ELSEWHERE/UNPLACED."""
        if any(_has(s.matches, _XINJIANG) for s in sentences):
            return XINJIANG
        if _first_accepted(buckets, _XINJIANG, segmentation, length):
            return XINJIANG
        if _first_accepted(buckets, _ELSEWHERE, segmentation, length):
            return ELSEWHERE_CONTEXT
        return UNPLACED

    def _other_counters(
        self, buckets: Buckets, sentences: list[_Sentence], segmentation: Segmentation, length: int
    ) -> float:
        """Sum of the distinct trap-marker weights outside the labour sentences."""
        weights: dict[str, float] = {}
        for i in sorted(buckets):
            chinese, english = buckets[i]
            if not (_has(chinese, _COUNTER) or _has(english, _COUNTER)):
                continue
            for match in accept(chinese, english, segmentation, length):
                if match.entry.category == COUNTER and not _in_any(match.start, sentences):
                    weights[match.entry.canonical] = match.entry.weight
        return sum(weights.values())

    def detect(
        self, text: str, language: str | None = None, script: str | None = None
    ) -> Detection:
        """Prepare, segment and flag ``text`` (``script``: see ``prepare``)."""
        prepared = self.prepare(text, language, script)
        return self.flag(prepared, self.segment(prepared))

    def _hit(self, text: str, sentence: _Sentence, score: float) -> Hit:
        """The Hit record of one scored sentence."""
        entries = [m.entry for m in sentence.matches]
        categories = {e.category for e in entries} | ({FIGURE} if sentence.figure else set())
        return Hit(
            start=sentence.start,
            end=sentence.end,
            sentence=text[sentence.start : sentence.end],
            terms=_unique([e.canonical for e in entries if e.category != COMPANY]),
            categories=tuple(sorted(categories)),
            companies=_unique([e.canonical for e in entries if e.category == COMPANY]),
            score=score,
            lexicon_version=self.lexicon.version,
        )
