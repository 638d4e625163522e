"""Length-preserving normalisation for matching: output char i stands for input char i.

Offsets found in the normalised text are valid in the original text, so hits can cite the original
(possibly Traditional, full-width, mixed-case) text. Each step therefore keeps only 1 -> 1 changes:

- ``fold_width``: NFKC per character, kept only when it yields exactly one character
  (full-width ASCII ``２．８`` -> ``2.8``, ideographic space -> space; ``㎡`` is left alone).
- ``to_simplified``: OpenCC ``t2s``; if phrase conversion changes a line's length, that line is
  converted char by char, keeping only single-char results.
- ``lower_preserving``: ``str.lower`` per character when it yields one character.

Speed: width folding replaces only the few foldable chars a text contains (table built once per
process), and texts with no Traditional-only character (most of the archive) skip OpenCC.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

from pipelines.text.cache import cached

# Ranges whose chars can NFKC-fold to one char: the BMP, maths letters, enclosed alphanumerics
# and the CJK compatibility ideographs supplement.
_FOLD_RANGES = ((0, 0xD800), (0xE000, 0x10000), (0x1D400, 0x1D800), (0x1F100, 0x1F200),
                (0x2F800, 0x2FA20))
_COMMON_FOLDS = "，：；！？（）　％～"


def has_astral(text: str) -> bool:
    """Whether ``text`` has a char beyond the BMP (two UTF-16 units each; encoding is C-fast)."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)



_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2EBF0))


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    """The shared Traditional -> Simplified converter."""
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def _simplify_char(char: str) -> str:
    """One char converted t2s, or itself if the conversion is not 1 -> 1."""
    converted: str = _converter().convert(char)
    return converted if len(converted) == 1 else char


def _simplify_line(line: str) -> str:
    """A line converted t2s with its length unchanged."""
    converted: str = _converter().convert(line)
    if len(converted) == len(line):
        return converted
    return "".join(_simplify_char(char) for char in line)


def _tables_key() -> str:
    """What the character tables derive from: Unicode's version (NFKC) and OpenCC's (t2s)."""
    return f"unicode {unicodedata.unidata_version}; opencc {getattr(opencc, '__version__', '')}"


@lru_cache(maxsize=1)
def traditional_chars() -> frozenset[str]:
    """Every CJK char that OpenCC t2s changes on its own (kept in the per-user cache)."""
    return cached("traditional-chars", _tables_key(), _traditional_chars)


def _traditional_chars() -> frozenset[str]:
    """Every CJK char that OpenCC t2s changes on its own, found by converting them all."""
    chars = [chr(code) for low, high in _CJK_RANGES for code in range(low, high)]
    converted = _converter().convert("\n".join(chars)).split("\n")
    return frozenset(c for c, s in zip(chars, converted, strict=True) if s != c)


class CharClass:
    """Fast "any of these chars" matching: a BMP bitmap, astral chars only when present."""

    def __init__(self, chars: frozenset[str]) -> None:
        bmp = "".join(sorted(c for c in chars if ord(c) < 0x10000))
        astral = "".join(sorted(c for c in chars if ord(c) >= 0x10000))
        self._bmp = re.compile(f"[{re.escape(bmp)}]")
        self._astral = re.compile(f"[{re.escape(astral)}]") if astral else None

    def findall(self, text: str) -> list[str]:
        """Every occurrence of a member char, in text order for BMP chars."""
        found: list[str] = self._bmp.findall(text)
        if self._astral is not None and has_astral(text):
            found += self._astral.findall(text)
        return found

    def search(self, text: str) -> bool:
        """Whether ``text`` contains a member char."""
        if self._bmp.search(text):
            return True
        return bool(self._astral is not None and has_astral(text) and self._astral.search(text))


@lru_cache(maxsize=1)
def traditional_pattern() -> CharClass:
    """The Traditional-only chars as a fast char class."""
    return CharClass(traditional_chars())


def to_simplified(text: str) -> str:
    """Traditional -> Simplified for matching only; the result has exactly the same length."""
    if not text or text.isascii() or not traditional_pattern().search(text):
        return text
    return "".join(_simplify_line(line) for line in text.splitlines(keepends=True))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """NFKC of one char when it stays a single char, else the char itself."""
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


@lru_cache(maxsize=1)
def _fold_table() -> dict[str, str]:
    """Every char whose NFKC form is one other char, with that form (kept in the cache)."""
    return cached("fold-table", _tables_key(), _build_fold_table)


def _build_fold_table() -> dict[str, str]:
    """Every char whose NFKC form is one other char, found by folding them all."""
    table: dict[str, str] = {}
    for low, high in _FOLD_RANGES:
        for code in range(low, high):
            folded = _fold_char(chr(code))
            if folded != chr(code):
                table[chr(code)] = folded
    return table


def fold_width(text: str) -> str:
    """Full-width ASCII and compatibility forms folded to their plain form, per char."""
    if text.isascii():
        return text
    table = _fold_table()
    for char in _COMMON_FOLDS:  # the full-width punctuation of nearly every Chinese page
        if char in text:
            text = text.replace(char, table[char])
    for char in set(_foldable().findall(text)):  # NFKC is idempotent: no result is a key
        text = text.replace(char, table[char])
    return text


@lru_cache(maxsize=1)
def _foldable() -> CharClass:
    """The chars of the fold table as a fast char class."""
    return CharClass(frozenset(_fold_table()))


def lower_preserving(text: str) -> str:
    """Lower-case each char whose lower-case form is one char (``İ`` stays as is)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def is_folded(text: str) -> bool:
    """True only if ``fold_for_matching(text) == text``, checked without building the fold
    (False: it may differ, e.g. for ``İ``, whose lower case is two characters)."""
    if text.isascii():
        return text.lower() == text
    return (not traditional_pattern().search(text) and not _foldable().search(text)
            and text.lower() == text)


# Misspellings reposts spread (新彊 for 新疆, 維吾尒 for 维吾尔): folded to the right character
MISSPELLINGS = str.maketrans({"彊": "疆", "尒": "尔"})


def fold_for_matching(text: str) -> str:
    """Width-folded, simplified, lower-cased text of the same length as ``text``."""
    folded = lower_preserving(to_simplified(fold_width(text)))
    return folded.translate(MISSPELLINGS) if "彊" in folded or "尒" in folded else folded
