"""Chinese word segmentation (jieba) used to reject matches that cut through words.

``Segmentation`` segments lazily: only the sentence(s) around a candidate match, cached, so a
document with few candidate matches costs a few short jieba calls instead of a full pass.
``Segmenter.full_boundaries`` is the full-document baseline (jieba itself).

``Segmenter.tokens`` gives exactly jieba's default-mode tokens (``Tokenizer.tokenize`` with the
HMM) about three times faster: jieba's word graph and best route are computed in one pass
over each block (same float expressions, same tie-breaking), and unknown runs still go to
jieba's HMM (``finalseg``, its results cached). ``tests/unit/test_segment_fast.py``
compares both on every text it has.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from math import log
from typing import TYPE_CHECKING, Protocol

from pipelines.text.cache import cache_path
from pipelines.text.sentences import split_sentences

if TYPE_CHECKING:
    import jieba

USER_WORD_FREQ_PER_CHAR = 1000  # 2-char terms get 2000: whole, yet 疲劳转向 stays 疲劳/转向

_LOCK = threading.Lock()
# jieba's own patterns (jieba.re_han_default, re_skip_default; a test keeps them equal), here
# so that segmenting with a word lookup (a search query) needs no jieba import
_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)  # blocks of word chars
_SKIP = re.compile("(\r\n|\\s)", re.U)  # CRLF or one whitespace, with one capturing group
_HAN_CHAR = re.compile("[\u4E00-\u9FD5]")  # what jieba's HMM (finalseg.re_han) segments
_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # finalseg.re_skip: the rest, as is
Spans = Sequence[tuple[int, int]]
JIEBA_CACHE = "jieba.cache"  # jieba's own marshal cache of its dictionary, in our cache dir


class Frequencies(Protocol):
    """Word -> frequency (0: a prefix of a word only; None: neither), like jieba's FREQ."""

    def get(self, word: str, /) -> int | None: ...


@lru_cache(maxsize=4)
def _tokenizer(words: frozenset[str]) -> jieba.Tokenizer:
    """A private jieba tokenizer with ``words`` added, built once per word set; jieba's
    dictionary cache is kept in the private per-user cache directory, not the shared /tmp."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.cache_file = str(cache_path(JIEBA_CACHE))
    tokenizer.initialize()
    for word in sorted(words):
        freq = max(tokenizer.FREQ.get(word, 0), USER_WORD_FREQ_PER_CHAR * len(word))
        tokenizer.add_word(word, freq)
    return tokenizer


class WordGraph:
    """jieba's dictionary and log total, for jieba's word graph and route (its ``calc``)."""

    def __init__(self, freq: Frequencies, total: float) -> None:
        self.total = total
        self.logtotal = log(total)
        self.unknown = log(1) - self.logtotal  # jieba's weight of a character that is no word
        self.freq = freq  # words, and every prefix of one (0): jieba's FREQ or a lookup

    def route(self, block: str) -> list[int]:
        """Where jieba's best path from each position goes next (end exclusive).

        jieba's ``get_DAG`` and ``calc`` in one right-to-left pass, with jieba's own float
        expressions: the words starting at ``k`` are the prefixes of ``block[k:]`` with a
        frequency; equal scores go to the longer word, as in jieba's ``max`` over (score, end).
        """
        n, freq, logtotal = len(block), self.freq, self.logtotal
        best, step = [0.0] * (n + 1), [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            top, end, i, frag = None, k + 1, k + 1, block[k]
            while (count := freq.get(frag)) is not None:
                if count:
                    score = log(count) - logtotal + best[i]
                    if top is None or score >= top:
                        top, end = score, i
                if i >= n:
                    break
                i += 1
                frag = block[k:i]
            best[k] = self.unknown + best[k + 1] if top is None else top
            step[k] = end
        return step

    def ends(self, text: str) -> list[int]:
        """End offsets of jieba's tokens of ``text`` (``Tokenizer.cut``, default mode, HMM)."""
        out: list[int] = []
        pos = 0
        for j, part in enumerate(_HAN.split(text)):  # odd parts: blocks of word characters
            if j & 1:
                self._block(part, pos, out)
            elif len(part) == 1:
                out.append(pos + 1)
            elif part:
                self._other(part, pos, out)
            pos += len(part)
        return out

    def _block(self, block: str, offset: int, out: list[int]) -> None:
        """jieba's ``__cut_DAG`` of one block: multi-character words of the route, and the
        runs of single characters between them (see ``_run``)."""
        step, n, start, x = self.route(block), len(block), 0, 0
        while x < n:
            y = step[x]
            if y - x > 1:
                if start < x:
                    self._run(block[start:x], offset + start, out)
                out.append(offset + y)
                start = y
            x = y
        if start < n:
            self._run(block[start:], offset + start, out)

    def _run(self, run: str, offset: int, out: list[int]) -> None:
        """Single characters, unless jieba's HMM groups an unknown run into words."""
        if len(run) == 1 or self.freq.get(run):
            out.extend(range(offset + 1, offset + len(run) + 1))
            return
        for word in _hmm(run):
            offset += len(word)
            out.append(offset)

    @staticmethod
    def _other(part: str, offset: int, out: list[int]) -> None:
        """Outside word blocks: each whitespace (or CRLF) and each other character alone."""
        for j, piece in enumerate(_SKIP.split(part)):  # odd pieces: the whitespace
            if j & 1:
                out.append(offset + len(piece))
            else:
                out.extend(range(offset + 1, offset + len(piece) + 1))
            offset += len(piece)


@lru_cache(maxsize=65536)
def _hmm(run: str) -> tuple[str, ...]:
    """jieba's HMM segmentation of an unknown run (deterministic, so cached); a run without
    Han characters is split as ``finalseg.cut`` splits it, without loading the HMM."""
    if not _HAN_CHAR.search(run):
        return tuple(piece for piece in _HMM_SKIP.split(run) if piece)
    from jieba import finalseg

    return tuple(finalseg.cut(run))


@lru_cache(maxsize=4)
def _graph(words: frozenset[str]) -> WordGraph:
    """The word graph of the tokenizer with ``words``, built once per word set."""
    tokenizer = _tokenizer(words)
    return WordGraph(tokenizer.FREQ, tokenizer.total)


class Segmenter:
    """jieba with every lexicon term as a user word; the dictionary loads on first use."""

    def __init__(self, user_words: Iterable[str]) -> None:
        self._words = frozenset(word for word in user_words if word.strip())

    def _get(self) -> jieba.Tokenizer:
        """The tokenizer, loading it on first use."""
        with _LOCK:
            return _tokenizer(self._words)

    def _graph(self) -> WordGraph:
        with _LOCK:
            return _graph(self._words)

    def graph(self) -> WordGraph:
        """The word graph with the whole dictionary loaded (what ``ends`` uses)."""
        return self._graph()

    def load(self) -> None:
        """Load the dictionary and its word graph now (e.g. before forking a worker)."""
        self._graph()

    def ends(self, text: str) -> list[int]:
        """End offsets of the tokens of ``text``, in order (each token starts where the
        previous one ends)."""
        return self._graph().ends(text) if text else []

    def tokens(self, text: str) -> list[tuple[int, int]]:
        """Token spans (start, end) covering ``text``, exactly as jieba's ``tokenize``."""
        ends = self.ends(text)
        return list(zip([0, *ends], ends, strict=False))

    def jieba_tokens(self, text: str) -> list[tuple[int, int]]:
        """Token spans from jieba itself (the reference the fast path is tested against)."""
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
        """Token boundaries of a whole text, segmented by jieba itself in one pass (baseline)."""
        edges = {0, len(text)}
        for start, end in self.jieba_tokens(text):
            edges.add(start)
            edges.add(end)
        return edges


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
