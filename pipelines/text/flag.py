"""Lexicon matching: Aho-Corasick over the normalised text, jieba boundary checks, figures."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import ahocorasick

from pipelines.text.english import expand
from pipelines.text.lexicon import (
    AWAY,
    COMPANY,
    COMPOUND_FAMILIES,
    COUNTED_MOVE,
    DETENTION,
    DOOR_TO_DOOR,
    ELSEWHERE,
    ETHNONYMS,
    GAP,
    MINORITIES,
    SLOT_OF,
    Lexicon,
)
from pipelines.text.normalise import fold_for_matching
from pipelines.text.segment import Segmentation

_ZH_COUNT = r"(?:\d+(?:[,，]\d{3})*(?:\.\d+)?|[数上近逾]?[一二两三四五六七八九十百千万亿]{2,})"
ZH_FIGURE = re.compile(
    _ZH_COUNT + r"\s*[余多]?\s*[万亿]?\s*[余多]?\s*"
    r"(?:人次|人|名|户|趟|列|批|架次|(?:农村|农业)?(?:富余|贫困)?劳动力|农牧民|务工人员)"
)
EN_FIGURE = re.compile(
    r"(?<![\w.,])\d+(?:,\d{3})*(?:\.\d+)?\s*(?:million|thousand|hundred)?\s+"
    r"(?:[\"'“‘]?[a-z-]+[\"'”’]?\s+){0,2}?"  # "2,600,000 “minoritized” citizens"
    r"(?:workers|laborers|labourers|people|persons|residents|trainees|graduates|farmers"
    r"|citizens|minorities"
    r"|villagers|employees|households|special trains|trains|flights|uyghurs|uighurs|uygurs"
    r"|herders|students|women|detainees|individuals|laborers|youths)\b"
)


CAME_FROM = "来自"  # people from a southern county at a workplace need no move word (placement.py)
MOVE = "move"  # the slot whose candidates make a sentence worth segmenting
# context nouns need no word boundary: jieba's 各乡镇 or 服装企业 still name 乡镇 and 企业
LOOSE = frozenset(("who", "destination", "organiser"))
ZH_GAP = r"[^。！？；，、,.!?;:：\s]{1,12}?"  # 转移到…就业: a destination, no punctuation
EN_GAP = r"\s+(?:[\w'’,-]+\s+){0,4}?"  # transferred … workers: at most four words between


def gap_pattern(spelling: str, language: str) -> re.Pattern[str]:
    """The regex of a folded spelling with one GAP (see the lexicon README)."""
    left, right = (f"(?P<{name}>{re.escape(side.strip())})"
                   for name, side in zip("lr", spelling.split(GAP), strict=True))
    if language == "zh":
        return re.compile(left + ZH_GAP + right)
    return re.compile(r"(?<![\w-])" + left + EN_GAP + right + r"(?![\w-])")


@dataclass(frozen=True)
class Entry:
    """What a matched spelling stands for."""

    canonical: str  # simplified / lower-case term, or the company's name
    category: str
    weight: float  # term weight; for companies 1.0 if tied to transfers else 0.5
    slot: str = ""  # the event slot it fills (pipelines/text/events.py), "" for none

    @cached_property
    def starts_event(self) -> bool:
        """Whether this entry can start an event: a move, trainees (placed into work), camps
        and detainees (put to work), or cadres canvassing door to door (recruiting)."""
        return self.slot == MOVE or self.category == "camp_to_work" or (
            self.canonical in DETENTION or self.canonical in DOOR_TO_DOOR)


class Match(NamedTuple):
    """One match in the normalised text (a named tuple: millions are made per reprocess)."""

    start: int
    end: int
    entry: Entry
    gap: tuple[int, int] = (0, 0)  # for a spelling with a GAP: the span the gap covered

    def anchors(self) -> tuple[tuple[int, int], ...]:
        """The spans this match claims: all of it, or the two sides of its gap."""
        if self.gap == (0, 0):
            return ((self.start, self.end),)
        return (self.start, self.gap[0]), (self.gap[1], self.end)


def _is_word_char(char: str) -> bool:
    """Whether ``char`` would continue a Latin word or number."""
    return char.isascii() and char.isalnum() or (char.isalpha() and ord(char) < 0x2E80)


def _english_bounded(text: str, start: int, end: int) -> bool:
    """Whether [start, end) is not part of a longer Latin word."""
    before = start > 0 and _is_word_char(text[start - 1])
    after = end < len(text) and _is_word_char(text[end])
    return not before and not after


def _automaton(entries: dict[str, Entry]) -> ahocorasick.Automaton:
    """An automaton mapping each key to (key length, entry)."""
    automaton = ahocorasick.Automaton()
    for key, entry in entries.items():
        automaton.add_word(key, (len(key), entry))
    if entries:
        automaton.make_automaton()
    return automaton


def _scan(automaton: ahocorasick.Automaton, text: str) -> list[Match]:
    """All (possibly overlapping) raw matches (a list comprehension: pages with many place
    names make this the detector's hottest loop)."""
    if len(automaton) == 0:
        return []
    return [Match(last - length + 1, last + 1, entry)
            for last, (length, entry) in automaton.iter(text)]


_LATIN = re.compile("[a-z]")  # English spellings (stock codes are matched with the Chinese ones)


Pattern = re.Pattern[str] | None


def _triggers(zh: dict[str, Entry], gaps: list[Gap]) -> tuple[Pattern, Pattern, Pattern]:
    """Patterns of the Chinese spellings that can start an event: strong moves (and trainees,
    and the longer word of a strong gapped move: 赴…务工 needs 务工, 被迫…劳动 needs 被迫),
    weak moves, and who.

    Events need a move (events.py); a weak one (weight below COUNTED_MOVE) also needs a who
    term or an ethnonym. A page without them is skipped after these regex passes; Latin
    letters are looked at apart (a char class in the trie undoes re's skip).
    """
    strong: list[str] = []
    weak: list[str] = []
    for key, entry in zh.items():
        if entry.starts_event:
            heavy = entry.weight >= COUNTED_MOVE or entry.category in COMPOUND_FAMILIES
            (strong if heavy or entry.slot != MOVE else weak).append(key)
    for gap in gaps:
        if gap.entry.slot == MOVE:  # either side is needed: look for the longer (rarer) one
            side = gap.left if len(gap.left) >= len(gap.right) else gap.right
            (strong if gap.entry.weight >= COUNTED_MOVE else weak).append(side)
    who = [k for k, e in zh.items() if e.slot == "who" or e.canonical in ETHNONYMS]
    return any_key_pattern(strong), any_key_pattern(weak), any_key_pattern(who)


def _people_away(zh: dict[str, Entry]) -> tuple[Pattern, Pattern]:
    """Patterns of the Chinese spellings of Uyghurs and minorities, and of places outside
    Xinjiang (provinces, 内地, 疆外): a page naming both may place Xinjiang people at work
    there without a move word (维吾尔族人到内地的工厂劳动)."""
    people = [k for k, e in zh.items() if e.canonical in ETHNONYMS or e.canonical in MINORITIES]
    away = [k for k, e in zh.items() if e.category == ELSEWHERE or e.canonical in AWAY]
    return any_key_pattern(people), any_key_pattern(away)


class Gap(NamedTuple):
    """A spelling with a gap: its two words (cheap pre-checks), its regex and its entry."""

    left: str
    right: str
    pattern: re.Pattern[str]
    entry: Entry


def any_key_pattern(keys: Iterable[str]) -> re.Pattern[str] | None:
    """A regex that finds a text holding any of ``keys`` (None: no keys).

    The keys as a trie (``劳(?:动力转移|务输出)|转移就业``), cut at the first complete key:
    re's C loop skips every position whose character starts no key, so on a page without
    them this is ~2.5x faster than walking an automaton over every character.
    """
    trie: dict[str, Any] = {}
    for key in filter(None, keys):
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict[str, Any]) -> str:
        if "" in node:  # a whole key ends here: a longer one adds nothing to "any"
            return ""
        return "(?:" + "|".join(re.escape(c) + branch(n) for c, n in sorted(node.items())) + ")"

    return re.compile(branch(trie)) if trie else None


def _scan_gaps(gaps: list[Gap], text: str) -> list[Match]:
    """Matches of the spellings with a gap."""
    return [
        Match(m.start(), m.end(), gap.entry, (m.end("l"), m.start("r")))
        for gap in gaps
        if gap.left in text
        for m in gap.pattern.finditer(text)
    ]


def keep_longest(matches: list[Match], length: int) -> list[Match]:
    """Non-overlapping matches, longest first (ties: earliest), returned in text order.

    A match with a gap claims only its two sides, so a place inside the gap (转移到[阿克苏]…就业)
    is kept too.
    """
    taken = bytearray(length)
    kept: list[Match] = []
    for match in sorted(matches, key=_claim_order):
        anchors = match.anchors()
        if not any(any(taken[start:end]) for start, end in anchors):
            for start, end in anchors:
                taken[start:end] = b"\x01" * (end - start)
            kept.append(match)
    return sorted(kept, key=lambda m: m.start)


def _claim_order(match: Match) -> tuple[int, int]:
    """Longest claimed length first, then earliest."""
    return -sum(end - start for start, end in match.anchors()), match.start


def _spellings(language: str, spellings: Iterable[str], inflect: str) -> Iterator[str]:
    """Folded spellings of a term; English ones in every British/American and inflected form."""
    for spelling in map(fold_for_matching, spellings):
        if language == "zh":
            yield spelling
        else:
            yield from expand(spelling, inflect) if GAP not in spelling else (spelling,)


def figure_texts(normalised: str, start: int, end: int) -> list[str]:
    """The head and convoy counts within [start, end), as written (normalised)."""
    found = [m.group() for m in ZH_FIGURE.finditer(normalised, start, end)]
    return found + [m.group() for m in EN_FIGURE.finditer(normalised, start, end)]


def find_figures(normalised: str) -> list[tuple[int, int]]:
    """Spans of head counts and convoy counts ("2.8万人", "1,200 workers", "30趟")."""
    spans = [m.span() for m in ZH_FIGURE.finditer(normalised)]
    spans += [m.span() for m in EN_FIGURE.finditer(normalised)]
    return sorted(spans)


class Matcher:
    """Two automata (Chinese on simplified text, English on lower-cased text), built once."""

    def __init__(self, lexicon: Lexicon) -> None:
        zh: dict[str, Entry] = {}
        en: dict[str, Entry] = {}
        gaps: dict[str, list[Gap]] = {"zh": [], "en": []}
        for term in lexicon.terms:
            entry = Entry(term.term, term.category, term.weight,
                          term.slot or SLOT_OF.get(term.category, ""))
            target = zh if term.language == "zh" else en
            for spelling in _spellings(term.language, (term.term, *term.variants), term.inflect):
                if GAP in spelling:
                    left, right = (side.strip() for side in spelling.split(GAP))
                    gaps[term.language].append(
                        Gap(left, right, gap_pattern(spelling, term.language), entry))
                else:
                    target.setdefault(spelling, entry)
        for company in lexicon.companies:
            entry = Entry(company.name, COMPANY, 1.0 if company.tied_to_transfers else 0.5,
                          SLOT_OF[COMPANY])
            for spelling in (company.name, *company.aliases, *company.stock_codes):
                zh.setdefault(fold_for_matching(spelling), entry)
            for spelling in company.english:
                en.setdefault(fold_for_matching(spelling), entry)
        # stock codes ride in the Chinese automaton (one pass) but are checked like English
        # words, not by jieba, and are not jieba user words ("编号1002532" is no 002532)
        self._codes = frozenset(fold_for_matching(c) for co in lexicon.companies
                                for c in co.stock_codes)
        self.zh_keys = frozenset(zh) - self._codes
        self._zh = _automaton(zh)
        self._strong, self._weak, self._who = _triggers(zh, gaps["zh"])
        self._people, self._away = _people_away(zh)
        self._en = _automaton(en)
        self._zh_gaps, self._en_gaps = gaps["zh"], gaps["en"]

    def crosses(self, left: str, right: str) -> bool:
        """Whether a Chinese lexicon spelling runs across the cut between ``left`` and
        ``right`` (a term broken by a line break: 劳动力转 | 移就业)."""
        window, cut = fold_for_matching(left + right), len(left)
        return any(last - length + 1 < cut <= last
                   for last, (length, _) in self._zh.iter(window)) if len(self._zh) else False

    def candidates(self, normalised: str) -> tuple[list[Match], list[Match]]:
        """Raw Chinese matches (boundaries still to check) and word-bounded English matches."""
        chinese = list(_scan(self._zh, normalised))
        english = [
            match
            for match in _scan(self._en, normalised)
            if _english_bounded(normalised, match.start, match.end)
        ]
        chinese += _scan_gaps(self._zh_gaps, normalised)
        english += _scan_gaps(self._en_gaps, normalised)
        return self._split_codes(chinese, english, normalised)

    def could_move(self, normalised: str) -> bool:
        """Whether the Chinese text may hold an event: a strong move (or the word a gapped
        move ends with), a weak move (就业) beside someone who could be moved, or Uyghurs or
        minorities beside a place outside Xinjiang (at work there, no move word)."""
        if self._strong is not None and self._strong.search(normalised):
            return True
        if (self._weak and self._weak.search(normalised)
                and self._who and self._who.search(normalised)):
            return True
        return bool(self._people and self._people.search(normalised)
                    and self._away and self._away.search(normalised))

    def event_candidates(
        self, normalised: str, also: Callable[[list[Entry]], bool] | None = None
    ) -> tuple[list[Match], list[Match]] | None:
        """``candidates``, or None when they can make no event (most pages): then no match
        object is built for the places and companies a page names (a Chinese page is looked
        at when it has a move, or 来自: people from a county at a workplace). ``also``: whether
        English entries with no move may still make one (Uyghurs at work in another province)."""
        chinese_move = self.could_move(normalised) or CAME_FROM in normalised
        latin = _LATIN.search(normalised) is not None
        if not chinese_move and not latin:
            return None
        english: list[Match] = []
        if latin:
            english = [
                match
                for match in _scan(self._en, normalised)
                if _english_bounded(normalised, match.start, match.end)
            ] + _scan_gaps(self._en_gaps, normalised)
            if not chinese_move and not any(m.entry.starts_event for m in english) and not (
                    also and also([m.entry for m in english])):
                return None
        chinese = list(_scan(self._zh, normalised)) + _scan_gaps(self._zh_gaps, normalised)
        return self._split_codes(chinese, english, normalised)

    def _split_codes(
        self, chinese: list[Match], english: list[Match], normalised: str
    ) -> tuple[list[Match], list[Match]]:
        """Move stock-code matches to the English side if they stand alone, else drop them."""
        codes = [m for m in chinese if normalised[m.start : m.end] in self._codes]
        if not codes:
            return chinese, english
        bounded = [m for m in codes if _english_bounded(normalised, m.start, m.end)]
        return [m for m in chinese if m not in codes], english + bounded

    def find(self, normalised: str, segmentation: Segmentation) -> list[Match]:
        """Accepted matches in text order: word-bounded, then longest of any overlap."""
        chinese, english = self.candidates(normalised)
        return accept(chinese, english, segmentation, len(normalised))


def accept(
    chinese: list[Match], english: list[Match], segmentation: Segmentation, length: int
) -> list[Match]:
    """The Chinese candidates on token boundaries plus the English ones, longest of overlaps."""
    bounded = [m for m in chinese
               if m.entry.slot in LOOSE or segmentation.respects_boundaries(m.start, m.end)]
    return keep_longest(bounded + english, length)
