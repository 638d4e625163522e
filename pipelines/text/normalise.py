"""Length-preserving normalisation for matching: output char i stands for input char i.

Offsets found in the normalised text are valid in the original text, so hits can cite the original
(possibly Traditional, full-width, mixed-case) text. Each step therefore keeps only 1 -> 1 changes:

- ``fold_width``: NFKC per character, kept only when it yields exactly one character
  (full-width ASCII ``２．８`` -> ``2.8``, ideographic space -> space; ``㎡`` is left alone).
- ``to_simplified``: OpenCC ``t2s``; if phrase conversion changes a line's length, that line is
  converted char by char, keeping only single-char results.
- ``lower_preserving``: ``str.lower`` per character when it yields one character.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc


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


def to_simplified(text: str) -> str:
    """Traditional -> Simplified for matching only; the result has exactly the same length."""
    if not text or text.isascii():
        return text
    return "".join(_simplify_line(line) for line in text.splitlines(keepends=True))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """NFKC of one char when it stays a single char, else the char itself."""
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def fold_width(text: str) -> str:
    """Full-width ASCII and compatibility forms folded to their plain form, per char."""
    if text.isascii():
        return text
    return "".join(_fold_char(char) for char in text)


def lower_preserving(text: str) -> str:
    """Lower-case each char whose lower-case form is one char (``İ`` stays as is)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def fold_for_matching(text: str) -> str:
    """Width-folded, simplified, lower-cased text of the same length as ``text``."""
    return lower_preserving(to_simplified(fold_width(text)))
