"""English spellings of a lexicon phrase: British and American forms, and inflected verbs.

Real English reporting inflects and spells freely ("were transferred", "mobilised", "labour
transfers"), so every English lexicon spelling is expanded once, when the matcher is built:
matching stays one Aho-Corasick pass over the text.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

# British <-> American pairs, by word stem (the word may go on: labourers, organisations)
SPELLING_PAIRS = (
    ("labour", "labor"), ("organis", "organiz"), ("mobilis", "mobiliz"),
    ("centralis", "centraliz"), ("militaris", "militariz"), ("programme", "program"),
    ("centre", "center"), ("recognis", "recogniz"), ("realis", "realiz"),
    ("subsidis", "subsidiz"), ("prioritis", "prioritiz"), ("industrialis", "industrializ"),
    ("criminalis", "criminaliz"), ("standardis", "standardiz"), ("favour", "favor"),
    ("neighbour", "neighbor"), ("urbanis", "urbaniz"), ("enrol", "enroll"),
)
_IRREGULAR = {
    "send": ("sent",), "bus": ("bussed", "bused", "busing", "bussing", "buses", "busses"),
    "ship": ("shipped", "shipping"), "put": ("putting",), "take": ("took", "taken"),
    "go": ("went", "gone"), "move": ("moved", "moving", "moves"),
}
_DOUBLE_FINAL = frozenset(("transfer", "ship", "plan", "ferry", "enrol"))
_VOWELS = "aeiou"


def _stems(word: str) -> set[str]:
    """``word`` in both spellings (one pair applied at a time)."""
    forms = {word}
    for british, american in SPELLING_PAIRS:
        for a, b in ((british, american), (american, british)):
            if a in word and not (len(b) > len(a) and b in word):  # program(me), enrol(l)
                forms.add(word.replace(a, b))
    return forms


def _verb_forms(verb: str) -> set[str]:
    """A regular verb's -s, -ed and -ing forms (plus the irregular ones listed above)."""
    forms = {verb, *_IRREGULAR.get(verb, ())}
    if verb.endswith("e"):
        forms |= {verb + "s", verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and verb[-2:-1] not in _VOWELS:
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    elif verb.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {verb + "es", verb + "ed", verb + "ing"}
    else:
        forms |= {verb + "s", verb + "ed", verb + "ing"}
        if verb in _DOUBLE_FINAL or re.search(r"[^aeiou][aeiou][bdgmnprt]$", verb) and len(
                verb) <= 4:
            forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    return forms


def _noun_forms(noun: str) -> set[str]:
    """A noun and its plural."""
    if noun.endswith("y") and noun[-2:-1] not in _VOWELS:
        return {noun, noun[:-1] + "ies"}
    if noun.endswith(("s", "sh", "ch", "x", "z")):
        return {noun, noun + "es"}
    return {noun, noun + "s"}


@lru_cache(maxsize=4096)
def expand(phrase: str, inflect: str = "") -> tuple[str, ...]:
    """Every spelling of ``phrase``: British/American forms of each word, a two-word phrase
    also hyphenated, and, with ``inflect`` ("verb" or "noun"), the inflections of its FIRST
    word (verb) or LAST word (noun)."""
    words = phrase.split(" ")
    options: list[set[str]] = [_stems(word) for word in words]
    if inflect == "verb":
        options[0] = {form for stem in options[0] for form in _verb_forms(stem)}
    elif inflect == "noun":
        options[-1] = {form for stem in options[-1] for form in _noun_forms(stem)}
    spellings = {" ".join(combo) for combo in itertools.product(*options)}
    if len(words) == 2:  # "labor-transfer program" is as common as "labor transfer program"
        spellings |= {spelling.replace(" ", "-") for spelling in spellings}
    return tuple(sorted(spellings))
