"""Transfer events: the slots one sentence fills, and whether they make a transfer.

Each lexicon entry fills one slot (``Entry.slot``: who, move, origin, destination, organiser,
control, programme) or marks a direction (``inward``: people moved INTO Xinjiang). Traps are
rules about direction and context, not words that subtract: 产能转移 claims its 转移 so no
move is left, and an inward marker turns a sentence's move into migration into Xinjiang unless
the sentence names Uyghurs or other Xinjiang people as the ones moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.text.flag import Entry, Match
from pipelines.text.lexicon import COMPANY, COMPOUND_FAMILIES, COUNTER, ELSEWHERE, PLACE
from pipelines.text.score import event_score

STRONG_MOVE = 2.0  # a move term at least this heavy needs no concrete slot besides who
SPECIFIC_PLACE = 0.6  # Xinjiang places at least this heavy are specific origins (not 新疆 itself)
ETHNONYMS = frozenset(("维吾尔族", "uyghur", "维吾尔族群众"))
# terms that exist only in Xinjiang: they anchor a page as a place does
XINJIANG_ONLY = frozenset(("职业技能教育培训中心", "教培中心", "访惠聚", "喀什和田两地三年10万人就业计划",
                           "vocational skills education and training center"))
CONCRETE = ("destination", "organiser", "figure", "programme")
SLOT_ORDER = ("who", "move", "origin", "destination", "organiser", "figure", "control",
              "programme")


@dataclass(frozen=True)
class Event:
    """The slots a sentence fills; ``score`` is 0 when they make no transfer event."""

    slots: tuple[tuple[str, tuple[str, ...]], ...]
    score: float
    concrete: bool  # says who/where/how many: rebuttal words cannot lower it
    anchored: bool  # names a Xinjiang place, XPCC, Uyghurs or a lexicon company
    inward: bool = False  # movement into Xinjiang (not evidence)
    elsewhere: bool = False  # people of another province moved (not evidence)

    @property
    def is_event(self) -> bool:
        """Whether the slots make a transfer event."""
        return self.score > 0


def _slot_values(entries: Sequence[Entry], figures: Sequence[str]) -> dict[str, list[str]]:
    """Slot name -> distinct canonical terms (figures as written), in slot order."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        if entry.slot and entry.slot != "inward":
            values = found.setdefault(entry.slot, [])
            if entry.canonical not in values:
                values.append(entry.canonical)
        if entry.category == "camp_to_work" and entry.slot == "who":
            found.setdefault("move", []).append(entry.canonical)  # trainees placed into work
    if figures:
        found["figure"] = list(dict.fromkeys(figures))
    return {slot: found[slot] for slot in SLOT_ORDER if slot in found}


def _move_strength(entries: Sequence[Entry]) -> tuple[bool, bool]:
    """(a compound move term is present, the strongest move is strong)."""
    moves = [e for e in entries if e.slot == "move"]
    compound = any(e.category in COMPOUND_FAMILIES or e.weight >= 3 for e in moves)
    strong = any(e.weight >= STRONG_MOVE for e in moves)  # trainees alone: a weak move
    return compound, strong


def _from_elsewhere(matches: Sequence[Match]) -> bool:
    """Whether another province stands before the first move (湖南省…组织劳务输出: people of
    that province are moved) in a sentence that names nothing of Xinjiang."""
    moves = [m.start for m in matches if m.entry.slot == "move"]
    first = min(moves, default=0)
    return any(m.entry.category == ELSEWHERE and m.start < first for m in matches) and not any(
        is_anchor(m.entry) for m in matches)


def sentence_event(matches: Sequence[Match], figures: Sequence[str]) -> Event:
    """The event (or non-event) of one sentence's accepted matches and figures."""
    entries = [match.entry for match in matches]
    slots = _slot_values(entries, figures)
    places = [e for e in entries if e.category == PLACE]
    specific = any(e.weight >= SPECIFIC_PLACE for e in places if e.slot == "origin") or any(
        e.slot == "origin" and e.category != PLACE for e in entries)
    anchored = bool(places) or any(is_anchor(e) for e in entries)
    concrete = specific or any(slot in slots for slot in CONCRETE)
    packed = tuple((slot, tuple(values)) for slot, values in slots.items())
    compound, strong = _move_strength(entries)
    who = "who" in slots or compound or (strong and "figure" in slots)
    if "move" not in slots or not who or not (strong or concrete):
        return Event(packed, 0.0, concrete, anchored)
    inward = any(e.slot == "inward" for e in entries) and not any(
        e.canonical in ETHNONYMS for e in entries)
    if inward:
        return Event(packed, 0.0, concrete, anchored, inward=True)
    if _from_elsewhere(matches):
        return Event(packed, 0.0, concrete, anchored, elsewhere=True)
    return Event(packed, event_score(slots, specific), concrete, anchored)


def is_anchor(entry: Entry) -> bool:
    """Whether an entry ties a page to Xinjiang: a place, a company, a Xinjiang-only term."""
    return entry.category in (PLACE, COMPANY) or entry.canonical in XINJIANG_ONLY


def counter_weights(entries: Sequence[Entry]) -> dict[str, float]:
    """Distinct rebuttal words among ``entries`` with their (negative) weights."""
    return {e.canonical: e.weight for e in entries if e.category == COUNTER}
