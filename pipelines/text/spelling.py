"""One spelling per English word, for search: British/American forms and place romanisations.

Search folds every run of Latin letters in the index and in a query to one spelling, so that
"labour" finds "labor", "organise" finds "organize" and "Uighur" finds "Uyghur": the same
results whichever spelling an analyst types. The tables are the detector's own, not a copy:
``english.SPELLING_PAIRS`` (British stem -> American stem; words fold to the American form)
and the English place names of the lexicon, each one-word variant folding to its term
(uighur, uygur -> uyghur; hetian, khotan -> hotan; kashi -> kashgar). Text given here is
already folded for matching (lower case, width-folded): see ``normalise.fold_for_matching``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from pipelines.text.english import SPELLING_PAIRS
from pipelines.text.lexicon import ELSEWHERE, PLACE, Lexicon

LATIN = re.compile("[a-z]+")  # a run of letters: what is folded (in tokens and in texts)
_WORD = re.compile("[a-z]+$")


@lru_cache(maxsize=65536)
def american(word: str) -> str:
    """``word`` with every British stem of SPELLING_PAIRS in its American form."""
    for british, us in SPELLING_PAIRS:
        if british in word and not (len(us) > len(british) and us in word):  # enrol(l)
            word = word.replace(british, us)
    return word


def british(word: str) -> str:
    """``word`` with every American stem of SPELLING_PAIRS in its British form."""
    for uk, us in SPELLING_PAIRS:
        if us in word and not (len(uk) > len(us) and uk in word):  # program(me)
            word = word.replace(us, uk)
    return word


def place_spellings(lexicon: Lexicon) -> dict[str, str]:
    """One-word variants of the lexicon's one-word English place names -> the name."""
    return {variant: term.term for term in lexicon.terms
            if term.language == "en" and term.category in (PLACE, ELSEWHERE)
            and _WORD.match(term.term)
            for variant in term.variants if _WORD.match(variant)}


class Spellings:
    """Folds words to one spelling; lists the spellings a word stands for (to mark them)."""

    def __init__(self, places: Mapping[str, str]) -> None:
        self.places = dict(places)
        self._variants: dict[str, list[str]] = {}
        for variant, term in self.places.items():
            self._variants.setdefault(term, [term]).append(variant)

    def word(self, word: str) -> str:
        """The one spelling of a run of letters."""
        return self.places.get(word) or american(word)

    def text(self, folded: str) -> str:
        """``folded`` text with each run of letters in its one spelling."""
        if not LATIN.search(folded):
            return folded
        return LATIN.sub(lambda m: self.word(m.group()), folded)

    def forms(self, word: str) -> list[str]:
        """Every spelling that folds like ``word`` (a run of letters), ``word`` first."""
        one = self.word(word)
        found = [word, one, british(one), *self._variants.get(one, ())]
        return [form for form in dict.fromkeys(found) if self.word(form) == one]
