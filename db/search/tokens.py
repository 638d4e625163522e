"""What the index stores and a query asks for: folded text cut into jieba's words.

Text is folded (width, Traditional -> Simplified, lower case; see ``pipelines.text.normalise``)
and segmented with the detector's jieba dictionary. A long word is followed by the dictionary
words inside it (``劳动力转移就业`` also yields ``劳动力``, ``转移``, ``就业``), so a short query
finds it. English words are stored and asked for in one spelling (labour/labor, Uighur/Uyghur:
see ``pipelines.text.spelling``); a query is segmented through the cached word store when the
dictionary is not loaded (``db.search_words``): the same tokens either way.
"""

from __future__ import annotations

import re
from functools import lru_cache

from db.backend import Clauses
from db.search_words import graph, spellings
from pipelines.text.normalise import fold_for_matching

_WORD = re.compile(r"\w", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_SUBWORD = 4


def _words(folded: str, short: bool = False) -> list[str]:
    """jieba tokens of folded text that contain a letter or digit, English words in their
    one spelling (``short``: a query, segmented through the word store when it can be)."""
    out, start, word, spell = [], 0, _WORD.search, spellings().text
    for end in graph(short).ends(folded):
        token = folded[start:end]
        if word(token):
            out.append(spell(token))
        start = end
    return out


def subwords(token: str) -> list[str]:
    """Dictionary words of 2..4 characters strictly inside a Chinese token, by position."""
    if len(token) <= 2 or not _CJK.search(token):
        return []
    return list(_subwords(token))


@lru_cache(maxsize=200_000)
def _subwords(token: str) -> tuple[str, ...]:
    freq = graph(short=True).freq  # queries and documents alike: the same frequencies
    found = []
    for start in range(len(token) - 1):
        for size in range(2, min(MAX_SUBWORD, len(token) - 1) + 1):
            piece = token[start:start + size]
            if len(piece) == size and freq.get(piece):
                found.append(piece)
    return tuple(found)


def index_tokens(value: str) -> str:
    """The space-separated tokens stored in the index for ``value``."""
    out: list[str] = []
    for word in _words(fold_for_matching(value or "")):
        out.append(word)
        if len(word) > 2:
            out.extend(subwords(word))
    return " ".join(out).replace("\x00", "")


def cover(token: str) -> list[str]:
    """Sub-words covering ``token`` left to right (longest first), or [] if there is a gap."""
    parts, pos, inner = [], 0, set(subwords(token))
    while pos < len(token):
        piece = next((token[pos:pos + n] for n in range(MAX_SUBWORD, 1, -1)
                      if token[pos:pos + n] in inner and pos + n <= len(token)), None)
        if piece is None:
            return []
        parts.append(piece)
        pos += len(piece)
    return parts


def query_tokens(query: str) -> list[str]:
    """The folded, segmented tokens of a query (what the index is asked for)."""
    return [tok for word in query.split() for tok in _words(fold_for_matching(word), True)]


def query_clauses(query: str) -> Clauses:
    """Each distinct query token with the sub-words covering it (another segmentation)."""
    return [(token, cover(token)) for token in dict.fromkeys(query_tokens(query))]


def phrase_words(query: str) -> list[str]:
    """Folded query words (English in one spelling: see ``search_fold``) the index alone
    cannot check are contiguous (several tokens, or a token found through its parts)."""
    out = []
    for word in query.split():
        tokens = _words(fold_for_matching(word), True)
        if len(tokens) > 1 or any(len(cover(t)) > 1 for t in tokens):
            out.append(search_fold(word))
    return out


def search_fold(value: str) -> str:
    """``value`` folded for matching, each English word in its one spelling."""
    return spellings().text(fold_for_matching(value))
