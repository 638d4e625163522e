"""Mirror noise taken out before matching, with a map back to the original offsets.

Reposts and mirror sites break terms apart: tone-marked pinyin in brackets after characters
(转(zhuǎn)移(yí)), spaces or a single line break between two Chinese characters, zero-width
characters. ``compact`` removes them; the detector matches on the compact text and maps every
offset back, so a hit still quotes the page exactly as printed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_SYLLABLE = (
    "(?:[zcs]h|[bpmfdtnlgkhjqxrzcsyw])?"
    "(?:iang|iong|uang|ang|eng|ing|ong|uai|ian|iao|uan|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie"
    "|ua|uo|ui|iu|ve|ue|er|a|o|e|i|u|v)"
)
_ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
_WS = " \t\u3000\u00a0\r\n"
# Each pattern starts at a rare character (a bracket, whitespace) and only then looks behind it
# for a Chinese character: a look-behind tried at every position costs more than the detector.
# One bracketed annotation right after a Chinese character: (zhuǎn), （zhuǎnyí）, (lao dong)
# One pattern for the three kinds, behind one leading char class (re skips every other
# character in C; a look-behind tried at every position would cost more than the detector):
# a zero-width char; pinyin in brackets right after a Chinese character (转(zhuǎn)移); and
# whitespace between two Chinese characters (one line break at most: checked in Python).
_NOISE = re.compile(
    rf"[{_ZERO_WIDTH}(（{_WS}](?:(?<=[{_ZERO_WIDTH}])"
    rf"|(?<=[{_HAN}][(（])(?P<pinyin>[a-z{_TONED}A-Z'’ ]{{1,40}})[)）]"
    rf"|(?<=[{_HAN}][{_WS}])[{_WS}]*(?=[{_HAN}]))"
)
Joins = Callable[[str, str], bool]
TERM_REACH = 8  # chars looked at on each side of a line break for a term running across it
_TONE_FREE = re.compile(rf"(?:{_SYLLABLE})+(?: (?:{_SYLLABLE})+)*")
_FOLD_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü", "aaaaeeeeiiiioooouuuuvvvvv")


@dataclass(frozen=True)
class Compacted:
    """A text without mirror noise; ``removed`` are the original spans taken out, in order."""

    text: str
    removed: tuple[tuple[int, int], ...] = ()

    def original(self, offset: int) -> int:
        """The original offset of the compact text's char at ``offset``."""
        if not self.removed:
            return offset
        shift, starts = _shifts(self.removed)
        return offset + shift[bisect.bisect_right(starts, offset)]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the compact span [start, end) (noise inside it included)."""
        if not self.removed or end <= start:
            return self.original(start), self.original(start) + (end - start)
        return self.original(start), self.original(end - 1) + 1


def _shifts(removed: tuple[tuple[int, int], ...]) -> tuple[list[int], list[int]]:
    """Cumulative removed lengths and the compact offsets where each removal happened."""
    shift, starts, total = [0], [], 0
    for start, end in removed:
        starts.append(start - total)
        total += end - start
        shift.append(total)
    return shift, starts


def is_pinyin(annotation: str) -> bool:
    """Whether a bracket's content reads as pinyin (tone marks, or valid toneless syllables)."""
    words = annotation.strip()
    if not words:
        return False
    if any(char in _TONED for char in words):
        return True
    return bool(_TONE_FREE.fullmatch(words.lower().translate(_FOLD_TONES).replace("'", "")))


def _joins_words(text: str, start: int, gap: str, joins: Joins | None) -> bool:
    """Whether a gap between Chinese characters cuts a word: spaces always; a line break only
    when a known term runs across it (``joins``) — a line break after a menu line or a title
    ends a sentence."""
    if "\n" not in gap:
        return "\r" not in gap
    if gap.count("\n") > 1:
        return False  # a blank line ends a paragraph
    end = start + len(gap)
    return joins is not None and joins(text[max(0, start - TERM_REACH) : start],
                                       text[end : end + TERM_REACH])


def _noise_spans(text: str, joins: Joins | None) -> list[tuple[int, int]]:
    """The spans of noise in ``text``, in order and not overlapping (one regex pass)."""
    spans = []
    for match in _NOISE.finditer(text):
        pinyin = match.group("pinyin")
        if pinyin is not None:
            keep = is_pinyin(pinyin)
        elif text[match.start()] in _ZERO_WIDTH:
            keep = True
        else:
            keep = _joins_words(text, match.start(), match.group(), joins)
        if keep:
            spans.append(match.span())
    return spans


def compact(text: str, joins: Joins | None = None) -> Compacted:
    """``text`` without pinyin annotations, gaps between Chinese characters and zero-width
    characters (most texts have none: one regex search, no copy). ``joins(left, right)``:
    whether a known term runs across a line break between ``left`` and ``right``."""
    if not _NOISE.search(text):
        return Compacted(text)
    spans = _noise_spans(text, joins)
    if not spans:
        return Compacted(text)
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    return Compacted("".join(parts), tuple(spans))


_WRAP_BEFORE = frozenset("abcdefghijklmnopqrstuvwxyz,;")
_WRAP = re.compile(r"\n(?=[ \t]*[a-z])")  # then a lower-case letter, comma or ; before it


def soften_wraps(text: str) -> str:
    """English hard-wrapped lines ("transferred directly to a factory⏎in the eastern ...")
    joined with spaces for sentence splitting: same length, so offsets stay valid."""
    if "\n" not in text:
        return text
    breaks = [m.start() for m in _WRAP.finditer(text)
              if text[max(0, m.start() - 16) : m.start()].rstrip(" \t")[-1:] in _WRAP_BEFORE]
    if not breaks:
        return text
    chars = list(text)
    for at in breaks:
        chars[at] = " "
    return "".join(chars)
