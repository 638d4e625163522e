"""The detector: normalise, segment lazily, match the lexicon, score, and build the Detection."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from pipelines.text.direction import COTTON, is_anchor, names_xinjiang_people
from pipelines.text.events import (
    CAMP_PAGE,
    CONTEXT,
    Event,
    context_event,
    could_be_event,
    counter_weights,
    sentence_event,
)
from pipelines.text.flag import Entry, Match, Matcher, accept, figure_texts
from pipelines.text.language import detect_language, detect_script
from pipelines.text.lexicon import (
    AWAY,
    COMPANY,
    DETENTION,
    ELSEWHERE,
    FIGURE,
    Lexicon,
    load_lexicon,
)
from pipelines.text.noise import Compacted, compact, soften_wraps
from pipelines.text.normalise import fold_for_matching
from pipelines.text.placement import PRONOUNS, came_to_work, could_work_away, may_place
from pipelines.text.score import document_score, is_flagged
from pipelines.text.segment import Segmentation, Segmenter
from pipelines.text.sentences import (
    looks_like_navigation,
    navigation_end,
    reported_spans,
    split_sentences,
)
from pipelines.text.types import Detection, Hit

DETECTOR_VERSION = "events-3"  # bump when the detection logic (not the lexicon) changes

LOOSE_INWARD = frozenset(("to xinjiang",))  # "a visit to Xinjiang": inward only in an event
LEAD = 200  # characters of a page's start (its title and lead) where one Xinjiang name anchors it


@dataclass(frozen=True)
class Prepared:
    """A document ready for matching.

    ``compacted`` is ``text`` without mirror noise (pinyin annotations, gaps inside words);
    ``normalised`` is its fold (same length as ``compacted.text``). Sentences and matches are
    offsets into the compact text; hits map them back to ``text``.
    """

    text: str
    compacted: Compacted
    normalised: str  # width-folded, simplified, lower-cased compact text
    language: str
    script: str
    region: str | None = None  # the source's declared Xinjiang region, an anchor by itself

    @cached_property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        """Spans of the compact text's sentences, split on first use (a page without move
        candidates never needs them)."""
        return tuple(split_sentences(soften_wraps(self.compacted.text)))


@dataclass(frozen=True)
class _Sentence:
    """One sentence's accepted matches and the event they make."""

    start: int
    end: int
    matches: tuple[Match, ...]
    event: Event


def _language_hint(language: str | None) -> str | None:
    """Primary subtag of a language hint ("zh-CN" -> "zh"), or None."""
    if not language or not language.strip():
        return None
    return language.strip().lower().replace("_", "-").split("-")[0]


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
        i, first, end = -1, 0, -1  # the sentence found last: matches come nearly in text order
        for match in matches:
            at = match.start
            if not first <= at < end:
                i = bisect.bisect_right(starts, at) - 1
                first, end = spans[i] if i >= 0 else (0, -1)
            if i >= 0 and at < end:
                buckets.setdefault(i, ([], []))[side].append(match)
    return buckets


def _mentions(matches: list[Match]) -> tuple[int, int]:
    """How many places in the text name Xinjiang (places, companies) and other provinces
    (raw matches, one per start: 维吾尔 and 维吾尔族 at one place are one mention)."""
    xinjiang = {m.start for m in matches if is_anchor(m.entry)}
    elsewhere = {m.start for m in matches if m.entry.category == ELSEWHERE}
    return len(xinjiang), len(elsewhere)


def _may_start(matches: list[Match]) -> bool:
    """Whether a sentence's matches hold a word an event can start with, or another province
    or 内地 (Xinjiang people at work there need no move word): a cheap pre-check."""
    return any(m.entry.starts_event or m.entry.category == ELSEWHERE or m.entry.canonical in AWAY
               for m in matches)


def _worth_examining(
    chinese: list[Match], english: list[Match], text: str, span: tuple[int, int],
    camp_page: bool,
) -> bool:
    """Whether a sentence's candidates can make an event (cheap pre-checks, before jieba): a
    move, trainees or camps, another province; on a camp page a workplace; people from a
    southern county beside a workplace."""
    if _may_start(chinese) or _may_start(english):
        entries = _entries([*chinese, *english])
        if could_be_event(entries) or could_work_away(entries):
            return True
        if any(e.slot == "move" for e in entries) and PRONOUNS.search(text, *span):
            return True  # "she was recruited": a pronoun may be who is moved
    elif not camp_page and text.find("来自", *span) < 0 and text.find("from", *span) < 0:
        return False  # most sentences: no move, no camp page, nobody from anywhere
    else:
        entries = _entries([*chinese, *english])
    if camp_page and any(e.slot == "destination" and e.category != ELSEWHERE for e in entries):
        return True
    return came_to_work(entries, text, span)


def _names_camps(matches: list[Match], normalised: str) -> bool:
    """Whether the page names a camp, its detainees or trainees, or re-education."""
    return any(m.entry.canonical in DETENTION or m.entry.category == "camp_to_work"
               for m in matches) or CAMP_PAGE.search(normalised) is not None


def _inside(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether ``offset`` falls in one of ``spans``."""
    return any(start <= offset < end for start, end in spans)


def _entries(matches: Iterable[Match]) -> list[Entry]:
    """The lexicon entries of ``matches``."""
    return [match.entry for match in matches]


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
        self, text: str, language: str | None = None, script: str | None = None,
        region: str | None = None,
    ) -> Prepared:
        """Compact and normalise ``text``, and work out its language and script.

        ``script``: the script already detected on this very text (a stored version's, when
        reprocessing its stored text), which saves a pass over the text. ``region``: the
        source's declared Xinjiang region (a county portal's 我县 is anchored by it).
        """
        compacted = compact(text, self._matcher.crosses)
        return Prepared(
            text=text,
            compacted=compacted,
            normalised=fold_for_matching(compacted.text),
            language=_language_hint(language) or detect_language(text),
            script=script or detect_script(text),
            region=region or None,
        )

    def segment(self, prepared: Prepared) -> Segmentation:
        """A lazy segmentation of the normalised text, by the compact text's sentences."""
        return Segmentation(prepared.normalised, self._segmenter, lambda: prepared.sentences)

    def flag(self, prepared: Prepared, segmentation: Segmentation) -> Detection:
        """Find the transfer events of a prepared document, score it and list its hits.

        Only sentences with a move candidate are segmented: a page without one costs one
        automaton pass and no jieba call.
        """
        candidates = self._matcher.event_candidates(prepared.normalised, may_place)
        events: list[_Sentence] = []
        buckets: Buckets = {}
        anchored, concrete, counters = bool(prepared.region), False, {}
        if candidates is not None:
            buckets = _bucket(prepared.sentences, *candidates)
            everything = [*candidates[0], *candidates[1]]
            camp_page = _names_camps(everything, prepared.normalised)
            examined = self._examine(prepared, buckets, segmentation, camp_page)
            people = names_xinjiang_people(everything, prepared.normalised)
            inward = (any(s.event.inward for s in examined) or _speaks_inward(everything)) and (
                not people)
            into = _moves_into_xinjiang(everything) and not people  # then only outward events
            events = [s for s in examined if s.event.is_event and (s.event.outward or not into)]
            anchored = anchored or (not inward and _anchored(buckets, everything))
            if not anchored and any(s.event.anchored for s in events):
                events = [s for s in events if s.event.anchored]  # only they name Xinjiang
                anchored = True
            concrete = any(s.event.concrete for s in events)
            counters = counter_weights(_entries(everything))
        score = document_score((s.event.score for s in events), anchored, concrete,
                               counters.values())
        flagged = bool(events) and is_flagged(score, anchored)
        hits: tuple[Hit, ...] = ()
        if flagged:
            taken = {s.start for s in events}
            context = self._context(prepared, buckets, segmentation, taken)
            found = sorted([*events, *context], key=lambda s: s.start)
            hits = tuple(self._hit(prepared, s) for s in found)
        return Detection(
            language=prepared.language,
            script=prepared.script,
            score=score,
            flagged=flagged,
            lexicon_version=self.lexicon.version,
            hits=hits,
        )

    def _context(
        self, prepared: Prepared, buckets: Buckets, segmentation: Segmentation, taken: set[int]
    ) -> list[_Sentence]:
        """A flagged page's other sentences with control, political or cadre indicators
        (集中管理, 国语培训, 目标责任状): how the transferred are handled is evidence too."""
        found = []
        for i in sorted(buckets):
            start, end = prepared.sentences[i]
            chinese, english = buckets[i]
            if start in taken or not any(m.entry.category in CONTEXT for m in chinese + english):
                continue
            matches = accept(chinese, english, segmentation, len(prepared.normalised))
            event = context_event(matches)
            if event is not None:
                found.append(_Sentence(start, end, tuple(matches), event))
        return found

    def _examine(
        self, prepared: Prepared, buckets: Buckets, segmentation: Segmentation,
        camp_page: bool = False,
    ) -> list[_Sentence]:
        """The sentences with an accepted move, with the event each makes, in text order
        (``camp_page``: the page named a camp, so a workplace of "the centre" may be one)."""
        normalised, found = prepared.normalised, []
        for i in sorted(buckets):
            chinese, english = buckets[i]
            start, end = prepared.sentences[i]
            if not _worth_examining(chinese, english, normalised, (start, end), camp_page):
                continue  # no jieba call for a sentence whose words can make no event
            if looks_like_navigation(prepared.compacted.text[start:end]):
                continue
            menu = start + navigation_end(prepared.compacted.text[start:end])
            if menu > start:  # a menu glued to the sentence: its links are not the event
                chinese = [m for m in chinese if m.start >= menu]
                english = [m for m in english if m.start >= menu]
                start = menu
            reported = reported_spans(normalised, start, end)
            if reported:  # a report's title, a claim quoted to deny it: not this page's words
                chinese = [m for m in chinese if not _inside(m.start, reported)]
                english = [m for m in english if not _inside(m.start, reported)]
            matches = accept(chinese, english, segmentation, len(normalised))
            event = sentence_event(matches, figure_texts(normalised, start, end), normalised,
                                   (start, end), camp_page)
            if event.is_event or event.inward or event.elsewhere:
                found.append(_Sentence(start, end, tuple(matches), event))
        return found

    def detect(
        self, text: str, language: str | None = None, script: str | None = None,
        region: str | None = None,
    ) -> Detection:
        """Prepare, segment and flag ``text`` (``script``, ``region``: see ``prepare``)."""
        prepared = self.prepare(text, language, script, region)
        return self.flag(prepared, self.segment(prepared))

    def _hit(self, prepared: Prepared, sentence: _Sentence) -> Hit:
        """The Hit record of one event sentence, with offsets into the original text."""
        entries = _entries(sentence.matches)
        slots = dict(sentence.event.slots)
        categories = {e.category for e in entries} | ({FIGURE} if "figure" in slots else set())
        start, end = prepared.compacted.original_span(sentence.start, sentence.end)
        return Hit(
            start=start,
            end=end,
            sentence=prepared.text[start:end],
            terms=_unique([e.canonical for e in entries if e.category != COMPANY]),
            categories=tuple(sorted(categories)),
            companies=_unique([e.canonical for e in entries if e.category == COMPANY]),
            score=round(sentence.event.score, 3),
            lexicon_version=self.lexicon.version,
            slots=sentence.event.slots,
        )


def _anchored(buckets: Buckets, matches: list[Match]) -> bool:
    """Whether the page is about Xinjiang: it names Xinjiang (places, companies) in its first
    ``LEAD`` characters or in two sentences, and more often than other provinces (a page about
    Sichuan or Tibet that mentions Xinjiang once or as a model is not anchored by it). A page
    with an event moving people INTO Xinjiang is not anchored this way: there Xinjiang is
    where labourers go, and only an event naming Xinjiang people anchors it."""
    xinjiang, elsewhere = _mentions(matches)
    if xinjiang <= elsewhere:
        return False
    if any(is_anchor(m.entry) and m.start < LEAD for m in matches):
        return True
    named = (i for i, (zh, en) in buckets.items() if any(is_anchor(m.entry) for m in zh + en))
    return next(named, None) is not None and next(named, None) is not None  # two sentences


def _speaks_inward(matches: list[Match]) -> bool:
    """Whether the page uses a marker of movement into Xinjiang (赴新疆, 返疆, "arrived in
    Urumqi"; a bare "to Xinjiang" counts only inside an event)."""
    return any(m.entry.slot == "inward" and m.entry.canonical not in LOOSE_INWARD
               for m in matches)


def _moves_into_xinjiang(matches: list[Match]) -> bool:
    """Whether the page speaks of going into Xinjiang (inward markers, or seasonal cotton
    pickers, who mostly come from other provinces); the caller checks that it names no
    Xinjiang people (Uyghurs, minorities, southern places not where someone goes) who could
    be the ones moved."""
    return any(m.entry.canonical in COTTON for m in matches) or _speaks_inward(matches)
