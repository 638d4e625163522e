"""Sentence splitting with exact offsets into the original text.

A sentence ends after a terminator (。！？；!?; or an English full stop followed by whitespace and
a capital, digit or opening quote, or by the end of the text) and at every line break. Closing
quotes and brackets right after a terminator stay with the sentence. A terminator inside an open
quote or bracket does not end the sentence, unless the quote has been open for more than
``MAX_QUOTE_SPAN`` chars: then it is taken to be unbalanced and forgotten.
"""

from __future__ import annotations

import re

TERMINATORS = frozenset("。！？；!?;")
LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")
PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "《": "》"}
CLOSERS = frozenset(PAIRS.values())
MAX_QUOTE_SPAN = 300
_ABBREVIATIONS = "mr mrs ms dr prof st no vs etc e.g i.e u.s u.k u.n co corp inc ltd gov dept"
_MONTHS = "jan feb mar apr jun jul aug sep sept oct nov dec"
ABBREVIATIONS = frozenset(f"{_ABBREVIATIONS} {_MONTHS}".split())
# Menu and breadcrumb separators: "首页 | 要闻 | 劳动力转移就业", "首页 > 新闻中心 > 工作动态".
_NAV_SEPARATORS = re.compile(r"\s*[|｜>›»]\s*|\s{2,}")
NAV_MIN_ITEMS = 4
NAV_MAX_ITEM_CHARS = 8
# Every char the splitter reacts to; the chars in between are skipped in C, not looped over.
_EVENTS = re.compile(
    "[" + re.escape("".join(sorted(TERMINATORS | LINE_BREAKS | set(PAIRS) | CLOSERS))) + "\".]"
)


def _is_english_stop(text: str, i: int) -> bool:
    """Whether the "." at ``i`` ends an English sentence."""
    j = i + 1
    while j < len(text) and (text[j] in CLOSERS or text[j] in "\"'"):
        j += 1
    if j >= len(text):
        return True
    if not text[j].isspace():
        return False
    while j < len(text) and text[j].isspace() and text[j] not in LINE_BREAKS:
        j += 1
    if j >= len(text) or text[j] in LINE_BREAKS:
        return True
    if not (text[j].isupper() or text[j].isdigit() or text[j] in '"“‘(「'):
        return False
    word_start = i
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:i].lower()
    return word not in ABBREVIATIONS and not (len(word) == 1 and text[i - 1].isupper())


class _Splitter:
    """One pass over a text, tracking open quotes/brackets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[tuple[str, int]] = []  # (expected closer, position of the opener)
        self.spans: list[tuple[int, int]] = []
        self.start = 0

    def emit(self, end: int) -> None:
        """Record text[start:end] (trimmed) as a sentence if non-blank; start after it."""
        start, stop = self.start, end
        while start < stop and self.text[start].isspace():
            start += 1
        while stop > start and self.text[stop - 1].isspace():
            stop -= 1
        if stop > start:
            self.spans.append((start, stop))
        self.start = end
        self.stack.clear()

    def track_quote(self, char: str, i: int) -> None:
        """Push an opener or pop a matching closer."""
        if char == '"':
            if self.stack and self.stack[-1][0] == '"':
                self.stack.pop()
            else:
                self.stack.append(('"', i))
        elif char in PAIRS:
            self.stack.append((PAIRS[char], i))
        elif char in CLOSERS and self.stack and self.stack[-1][0] == char:
            self.stack.pop()

    def quoted(self, i: int) -> bool:
        """Whether ``i`` is inside a quote that is still plausibly balanced."""
        if self.stack and i - self.stack[0][1] > MAX_QUOTE_SPAN:
            self.stack.clear()
        return bool(self.stack)

    def sentence_end(self, i: int) -> int:
        """Index after the terminator run at ``i`` and the closers that follow it."""
        text, j = self.text, i + 1
        while j < len(text) and (text[j] in TERMINATORS or text[j] == "."):
            j += 1
        while j < len(text) and (text[j] in CLOSERS or text[j] in "\"'"):
            self.track_quote(text[j], j)
            j += 1
        return j

    def run(self) -> list[tuple[int, int]]:
        """All sentence spans."""
        text, i = self.text, 0
        while (event := _EVENTS.search(text, i)) is not None:
            i = event.start()
            char = text[i]
            if char in LINE_BREAKS:
                self.emit(i)
                i += 1
                continue
            is_stop = char in TERMINATORS or (char == "." and _is_english_stop(text, i))
            if is_stop and not self.quoted(i):
                i = self.sentence_end(i)
                self.emit(i)
                continue
            if is_stop:
                i = self.close_quote_after_stop(i)
                continue
            self.track_quote(char, i)
            i += 1
        self.emit(len(text))
        return self.spans

    def close_quote_after_stop(self, i: int) -> int:
        """Inside a quote: end the sentence if closers right after the stop empty the stack."""
        text, j = self.text, i + 1
        while j < len(text) and (text[j] in TERMINATORS or text[j] == "."):
            j += 1
        k = j
        while k < len(text) and (text[k] in CLOSERS or text[k] == '"') and self.stack:
            self.track_quote(text[k], k)
            k += 1
        if k > j and not self.stack:
            self.emit(k)
        return k


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the non-blank sentences; text[start:end] is the sentence."""
    return _Splitter(text).run()


def looks_like_navigation(sentence: str) -> bool:
    """Whether a "sentence" is a menu or breadcrumb line: many short items, no terminator."""
    if any(char in TERMINATORS for char in sentence):
        return False
    items = [item for item in _NAV_SEPARATORS.split(sentence) if item]
    return len(items) >= NAV_MIN_ITEMS and sum(map(len, items)) <= NAV_MAX_ITEM_CHARS * len(items)


_PIPES = re.compile(r"\s*[|｜›»]\s*")


def navigation_end(sentence: str) -> int:
    """Where a leading menu run ("相关链接：A | B | C | D 正文……") ends in a sentence: after its
    last separator when it has at least NAV_MIN_ITEMS - 1 of them, else 0."""
    separators = list(_PIPES.finditer(sentence))
    if len(separators) < NAV_MIN_ITEMS - 1:
        return 0
    return separators[-1].end()


CLAIM_MARKERS = ("所谓", "声称", "诬称", "编造", "污蔑", "指责", "炮制", "捏造", "宣称", "所称",
                 "so-called", "claimed", "claims that", "alleged", "allegedly")
CLAIM_WINDOW = 8  # chars before an opening quote in which a claim marker makes it a claim
_TITLE_OR_QUOTE = re.compile("[《“「『\"]")
_CLOSE = {"《": "》", "“": "”", "「": "」", "『": "』", '"': '"'}


def reported_spans(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of [start, end) of a folded text that are not the text's own statement: titles
    of works (《…》) and quotes right after a claim word (所谓“…”, 声称「…」, so-called "…")."""
    spans: list[tuple[int, int]] = []
    at = start
    while (found := _TITLE_OR_QUOTE.search(folded, at, end)) is not None:
        opener = found.group()
        close = folded.find(_CLOSE[opener], found.end(), min(end, found.end() + MAX_QUOTE_SPAN))
        if close < 0:
            at = found.end()
            continue
        before = folded[max(start, found.start() - CLAIM_WINDOW) : found.start()]
        if opener == "《" or any(marker in before for marker in CLAIM_MARKERS):
            spans.append((found.start(), close + 1))
        at = close + 1
    return spans + _so_called(folded, start, end)


_SO_CALLED = re.compile(r"所谓[^。！？；]{1,40}?(?:的说法|的论调|谬论|谎言|之说)")


def _so_called(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """Unquoted claims: 所谓南疆富余劳动力被迫迁移的说法."""
    return [m.span() for m in _SO_CALLED.finditer(folded, start, end)]
