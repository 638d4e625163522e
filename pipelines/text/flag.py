"""Lexicon matching: Aho-Corasick over the normalised text, jieba boundary checks, figures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import ahocorasick

from pipelines.text.lexicon import COMPANY, Lexicon
from pipelines.text.normalise import fold_for_matching
from pipelines.text.segment import Segmentation

ZH_FIGURE = re.compile(
    r"\d+(?:[,，]\d{3})*(?:\.\d+)?\s*[万亿]?\s*[余多]?\s*(?:人次|人|名|户|趟|列|批|架次)"
)
EN_FIGURE = re.compile(
    r"(?<![\w.,])\d+(?:,\d{3})*(?:\.\d+)?\s*(?:million|thousand|hundred)?\s+(?:[a-z-]+\s+){0,2}?"
    r"(?:workers|laborers|labourers|people|persons|residents|trainees|graduates|farmers"
    r"|villagers|employees|households|special trains|trains|flights)\b"
)


@dataclass(frozen=True)
class Entry:
    """What a matched spelling stands for."""

    canonical: str  # simplified / lower-case term, or the company's name
    category: str
    weight: float  # term weight; for companies 1.0 if tied to transfers else 0.5


@dataclass(frozen=True)
class Match:
    """One accepted match in the normalised text."""

    start: int
    end: int
    entry: Entry


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


def _scan(automaton: ahocorasick.Automaton, text: str) -> Iterator[Match]:
    """All (possibly overlapping) raw matches."""
    if len(automaton) == 0:
        return
    for last, (length, entry) in automaton.iter(text):
        yield Match(last - length + 1, last + 1, entry)


def keep_longest(matches: list[Match], length: int) -> list[Match]:
    """Non-overlapping matches, longest first (ties: earliest), returned in text order."""
    taken = bytearray(length)
    kept: list[Match] = []
    for match in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        if not any(taken[match.start : match.end]):
            taken[match.start : match.end] = b"\x01" * (match.end - match.start)
            kept.append(match)
    return sorted(kept, key=lambda m: m.start)


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
        for term in lexicon.terms:
            entry = Entry(term.term, term.category, term.weight)
            target = zh if term.language == "zh" else en
            for spelling in (term.term, *term.variants):
                target.setdefault(fold_for_matching(spelling), entry)
        for company in lexicon.companies:
            entry = Entry(company.name, COMPANY, 1.0 if company.tied_to_transfers else 0.5)
            for spelling in (company.name, *company.aliases):
                zh.setdefault(fold_for_matching(spelling), entry)
            for spelling in (*company.english, *company.stock_codes):
                en.setdefault(fold_for_matching(spelling), entry)
        self.zh_keys = frozenset(zh)
        self._zh = _automaton(zh)
        self._en = _automaton(en)

    def find(self, normalised: str, segmentation: Segmentation) -> list[Match]:
        """Accepted matches in text order: word-bounded, then longest of any overlap."""
        candidates = [
            match
            for match in _scan(self._zh, normalised)
            if segmentation.respects_boundaries(match.start, match.end)
        ]
        candidates += [
            match
            for match in _scan(self._en, normalised)
            if _english_bounded(normalised, match.start, match.end)
        ]
        return keep_longest(candidates, len(normalised))
