"""Chinese word segmentation (jieba) used to reject matches that cut through words.

``Segmentation`` segments lazily: only the sentence(s) around a candidate match, cached, so a
document with few candidate matches costs a few short jieba calls instead of a full pass.
``Segmenter.full_boundaries`` is the full-document baseline.
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import jieba

from pipelines.text.sentences import split_sentences

USER_WORD_FREQ_PER_CHAR = 1000  # 2-char terms get 2000: whole, yet 疲劳转向 stays 疲劳/转向

_LOCK = threading.Lock()
Spans = Sequence[tuple[int, int]]


@lru_cache(maxsize=4)
def _tokenizer(words: frozenset[str]) -> jieba.Tokenizer:
    """A private jieba tokenizer with ``words`` added, built once per word set."""
    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in sorted(words):
        freq = max(tokenizer.FREQ.get(word, 0), USER_WORD_FREQ_PER_CHAR * len(word))
        tokenizer.add_word(word, freq)
    return tokenizer


class Segmenter:
    """jieba with every lexicon term as a user word; the dictionary loads on first use."""

    def __init__(self, user_words: Iterable[str]) -> None:
        self._words = frozenset(word for word in user_words if word.strip())

    def _get(self) -> jieba.Tokenizer:
        """The tokenizer, loading it on first use."""
        with _LOCK:
            return _tokenizer(self._words)

    def tokens(self, text: str) -> list[tuple[int, int]]:
        """Token spans (start, end) covering ``text``."""
        if not text:
            return []
        return [(start, end) for _, start, end in self._get().tokenize(text)]

    def boundaries(self, text: str, offset: int = 0) -> set[int]:
        """Token boundary offsets of ``text``, shifted by ``offset``."""
        edges = {offset, offset + len(text)}
        for start, end in self.tokens(text):
            edges.add(offset + start)
            edges.add(offset + end)
        return edges

    def full_boundaries(self, text: str) -> set[int]:
        """Token boundaries of a whole text, segmented in one pass (the baseline)."""
        return self.boundaries(text)


class Segmentation:
    """A lazily segmented view of one normalised text."""

    def __init__(
        self,
        text: str,
        segmenter: Segmenter,
        sentences: Spans | Callable[[], Spans] | None = None,
    ) -> None:
        self.text = text
        self._segmenter = segmenter
        self._source = sentences  # spans, a function giving them, or None: split ``text``
        self._spans: Spans | None = None
        self._starts: list[int] = []
        self._cache: dict[tuple[int, int], set[int]] = {}

    @property
    def segmented(self) -> tuple[tuple[int, int], ...]:
        """The spans segmented so far."""
        return tuple(sorted(self._cache))

    def _sentences(self) -> Spans:
        """Sentence spans, computed on first need."""
        if self._spans is None:
            source = self._source
            if source is None:
                self._spans = split_sentences(self.text)
            else:
                self._spans = source() if callable(source) else source
        if len(self._starts) != len(self._spans):
            self._starts = [start for start, _ in self._spans]
        return self._spans

    def _window(self, start: int, end: int) -> tuple[int, int]:
        """The sentence span(s) covering [start, end), or the span itself if outside them."""
        spans = self._sentences()
        first = bisect.bisect_right(self._starts, start) - 1
        last = bisect.bisect_right(self._starts, max(start, end - 1)) - 1
        if first < 0 or spans[first][1] <= start:
            return start, end
        return spans[first][0], max(spans[last][1], end)

    def boundaries_around(self, start: int, end: int) -> set[int]:
        """Token boundaries of the sentence(s) containing [start, end), cached."""
        window = self._window(start, end)
        if window not in self._cache:
            chunk = self.text[window[0] : window[1]]
            self._cache[window] = self._segmenter.boundaries(chunk, window[0])
        return self._cache[window]

    def respects_boundaries(self, start: int, end: int) -> bool:
        """Whether [start, end) begins and ends on token boundaries."""
        edges = self.boundaries_around(start, end)
        return start in edges and end in edges


class FullSegmentation(Segmentation):
    """The baseline: the whole text segmented in one pass up front, whatever it contains."""

    def __init__(self, text: str, segmenter: Segmenter) -> None:
        super().__init__(text, segmenter, [])
        self._edges = segmenter.full_boundaries(text)

    def boundaries_around(self, start: int, end: int) -> set[int]:
        """Token boundaries of the whole text."""
        return self._edges
