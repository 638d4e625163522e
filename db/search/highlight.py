"""Marking what a search found: matching spans, the best passage, every spelling of a term."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache

from db.search.tokens import query_tokens
from db.search_words import spellings
from pipelines.text.normalise import fold_for_matching
from pipelines.text.spelling import LATIN

Segments = list[tuple[str, bool]]  # (text, is_match) in reading order


def match_spans(value: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Merged spans of ``value`` whose folded form equals one of the (folded) needles."""
    folded = fold_for_matching(value)
    spans: list[tuple[int, int]] = []
    for needle in {n for n in needles if n}:
        start = folded.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(value: str, needles: Iterable[str]) -> Segments:
    """``value`` cut into plain and matching segments (matching is script-insensitive)."""
    out: Segments = []
    pos = 0
    for start, end in match_spans(value, needles):
        if start > pos:
            out.append((value[pos:start], False))
        out.append((value[start:end], True))
        pos = end
    if pos < len(value) or not out:
        out.append((value[pos:], False))
    return out


def passage(body: str, needles: Sequence[str], width: int = 220) -> Segments:
    """The sentence with the most distinct matches (cut to ``width`` around them), marked."""
    from pipelines.text.sentences import split_sentences

    spans = split_sentences(body) or [(0, len(body))]
    start, end = spans[_best_sentence(fold_for_matching(body), spans, needles)]
    first = match_spans(body[start:end], needles)
    if end - start > width:
        centre = start + (first[0][0] if first else 0)
        start = max(start, centre - width // 3)
        end = min(end, start + width)
    segments = highlight(body[start:end].strip(), needles)
    if start > 0:
        segments.insert(0, ("…", False))
    if end < len(body):
        segments.append(("…", False))
    return segments


def _best_sentence(folded: str, spans: list[tuple[int, int]], needles: Sequence[str]) -> int:
    """Index of the sentence holding the most distinct needles, then the most occurrences
    (non-overlapping, each inside the sentence); the first such sentence on ties."""
    starts = [start for start, _ in spans]
    distinct: dict[int, int] = {}
    total: dict[int, int] = {}
    for needle in dict.fromkeys(n for n in needles if n):
        seen: set[int] = set()
        at = folded.find(needle)
        while at >= 0:
            index = bisect_right(starts, at) - 1
            if index >= 0 and at + len(needle) <= spans[index][1]:
                total[index] = total.get(index, 0) + 1
                if index not in seen:
                    seen.add(index)
                    distinct[index] = distinct.get(index, 0) + 1
                at = folded.find(needle, at + len(needle))
            else:  # crosses a sentence end: look again from inside the next sentence
                at = folded.find(needle, at + 1)
    if not total:
        return 0
    return max(sorted(total), key=lambda i: (distinct[i], total[i]))


@lru_cache(maxsize=1)
def _spellings() -> dict[str, tuple[str, ...]]:
    """Folded spellings (canonical and variants) of every lexicon term and company."""
    from pipelines.text.lexicon import load_lexicon

    lexicon = load_lexicon()
    found = {t.term: (t.term, *t.variants) for t in lexicon.terms}
    found.update({c.name: (c.name, *c.aliases, *c.english) for c in lexicon.companies})
    return {k: tuple(fold_for_matching(v) for v in vs) for k, vs in found.items()}


def term_needles(terms: Iterable[str]) -> list[str]:
    """Every spelling of the given canonical lexicon terms, folded, to mark in a sentence."""
    spellings = _spellings()
    return [s for term in terms for s in spellings.get(term, (fold_for_matching(term),))]


def highlight_words(query: str) -> list[str]:
    """Folded strings to mark in text: each query word, and its tokens, in every spelling."""
    words = [fold_for_matching(w) for w in query.split()]
    tokens = query_tokens(query)
    forms = [form for token in tokens for run in LATIN.findall(token)
             for form in spellings().forms(run)]
    return list(dict.fromkeys([*words, *tokens, *forms]))
