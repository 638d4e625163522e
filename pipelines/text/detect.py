"""The detector: normalise, segment lazily, match the lexicon, score, and build the Detection."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.text.flag import Match, Matcher, find_figures
from pipelines.text.language import detect_language, detect_script
from pipelines.text.lexicon import (
    COMPANY,
    COUNTER,
    FIGURE,
    LABOUR_CATEGORIES,
    PLACE,
    Lexicon,
    load_lexicon,
)
from pipelines.text.normalise import fold_for_matching
from pipelines.text.score import (
    SentenceEvidence,
    document_score,
    is_flagged,
    sentence_score,
)
from pipelines.text.segment import Segmentation, Segmenter
from pipelines.text.sentences import split_sentences
from pipelines.text.types import Detection, Hit

_LABOUR = frozenset(LABOUR_CATEGORIES)


@dataclass(frozen=True)
class Prepared:
    """A document ready for matching; ``normalised`` has the same length as ``text``."""

    text: str
    normalised: str  # width-folded, simplified, lower-cased (offsets = those of ``text``)
    language: str
    script: str
    sentences: tuple[tuple[int, int], ...]  # spans of ``text``


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


def _group(
    spans: Sequence[tuple[int, int]], matches: list[Match], figures: list[tuple[int, int]]
) -> list[_Sentence]:
    """Matches and figures assigned to the sentence containing their start."""
    starts = [start for start, _ in spans]
    buckets: list[list[Match]] = [[] for _ in spans]
    has_figure = [False] * len(spans)

    def index(offset: int) -> int:
        position = bisect.bisect_right(starts, offset) - 1
        return position if position >= 0 and offset < spans[position][1] else -1

    for match in matches:
        if (i := index(match.start)) >= 0:
            buckets[i].append(match)
    for start, _ in figures:
        if (i := index(start)) >= 0:
            has_figure[i] = True
    return [
        _Sentence(span[0], span[1], tuple(bucket), figure)
        for span, bucket, figure in zip(spans, buckets, has_figure, strict=True)
    ]


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

    def prepare(self, text: str, language: str | None = None) -> Prepared:
        """Normalise ``text`` and work out its language, script and sentences."""
        return Prepared(
            text=text,
            normalised=fold_for_matching(text),
            language=_language_hint(language) or detect_language(text),
            script=detect_script(text),
            sentences=tuple(split_sentences(text)),
        )

    def segment(self, prepared: Prepared) -> Segmentation:
        """A lazy segmentation of the normalised text, by the original text's sentences."""
        return Segmentation(prepared.normalised, self._segmenter, list(prepared.sentences))

    def flag(self, prepared: Prepared, segmentation: Segmentation) -> Detection:
        """Match, score and (if flagged) list the hit sentences of a prepared document."""
        matches = self._matcher.find(prepared.normalised, segmentation)
        figures = find_figures(prepared.normalised)
        sentences = _group(prepared.sentences, matches, figures)
        xinjiang = any(m.entry.category in (PLACE, COMPANY) for m in matches)
        scored = [
            (sentence, sentence_score(_evidence(sentence, xinjiang)))
            for sentence in sentences
            if any(m.entry.category in _LABOUR for m in sentence.matches)
        ]
        score = document_score((s for _, s in scored), xinjiang)
        flagged = is_flagged(score)
        hits = tuple(self._hit(prepared.text, s, value) for s, value in scored) if flagged else ()
        return Detection(
            language=prepared.language,
            script=prepared.script,
            score=score,
            flagged=flagged,
            lexicon_version=self.lexicon.version,
            hits=hits,
        )

    def detect(self, text: str, language: str | None = None) -> Detection:
        """Prepare, segment and flag ``text``."""
        prepared = self.prepare(text, language)
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
