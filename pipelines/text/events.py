"""Transfer events: the slots one sentence fills, and whether they make a transfer.

Each lexicon entry fills one slot (``Entry.slot``: who, move, origin, destination, organiser,
control, programme) or marks a direction (``inward``: people moved INTO Xinjiang). Traps are
rules about direction and context, not words that subtract: 产能转移 claims its 转移 so no
move is left, and an inward marker turns a sentence's move into migration into Xinjiang unless
the sentence names Uyghurs or other Xinjiang people as the ones moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipelines.text.direction import (
    ARRIVALS,
    COTTON,
    SPECIFIC_PLACE,
    first_move,
    from_elsewhere,
    into_camps,
    is_anchor,
    names_xinjiang_people,
    negated,
    outward,
)
from pipelines.text.flag import Entry, Match
from pipelines.text.lexicon import (
    COMPOUND_FAMILIES,
    COUNTED_MOVE,
    COUNTER,
    ELSEWHERE,
    ETHNONYMS,
    PLACE,
)
from pipelines.text.score import CONTROL, event_score

CONTEXT = frozenset(("control", "political", "cadre"))  # families quoted beside an event
STRONG_MOVE = 2.0  # a move term at least this heavy needs no concrete slot besides who
CONCRETE = ("destination", "organiser", "figure", "programme")
# families that fill a second slot besides the move: 有组织转移 names an organiser, 转移内地 a
# destination
ALSO_FILLS = {"organised_transfer": "organiser", "channel": "destination"}
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
    outward: bool = False  # out of Xinjiang, or Xinjiang people named as the ones moved

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
        if entry.canonical in ETHNONYMS:
            found.setdefault("who", []).append(entry.canonical)  # Uyghurs are the ones moved
        if entry.category in ALSO_FILLS:
            found.setdefault(ALSO_FILLS[entry.category], []).append(entry.canonical)
        if entry.category == "camp_to_work" and entry.slot == "who":
            found.setdefault("move", []).append(entry.canonical)  # trainees placed into work
    if figures:
        found["figure"] = list(dict.fromkeys(figures))
    return {slot: found[slot] for slot in SLOT_ORDER if slot in found}


def _move_weights(entries: Sequence[Entry]) -> list[float]:
    """The weights of the move terms among ``entries``."""
    return [e.weight for e in entries if e.slot == "move"]


def _move_strength(entries: Sequence[Entry]) -> tuple[bool, bool]:
    """(a compound move term is present, the strongest move is strong)."""
    moves = [e for e in entries if e.slot == "move"]
    compound = any(e.category in COMPOUND_FAMILIES or e.weight >= 3 for e in moves)
    strong = any(e.weight >= STRONG_MOVE for e in moves)  # trainees alone: a weak move
    return compound, strong


def _as_said(matches: Sequence[Match], text: str) -> list[Match]:
    """The matches without denied moves, and with other provinces before the move out of the
    destination slot (there they are who is moved or where the sentence is, not where to)."""
    first = first_move(matches)
    kept = []
    for match in matches:
        if match.entry.slot == "move" and text and negated(text, match):
            continue
        if match.entry.category == ELSEWHERE and match.start < first:
            match = match._replace(entry=replace(match.entry, slot=""))
        kept.append(match)
    return kept


def sentence_event(matches: Sequence[Match], figures: Sequence[str], text: str = "") -> Event:
    """The event (or non-event) of one sentence's accepted matches and figures (``text``: the
    folded text the match offsets point into)."""
    matches = _as_said(matches, text)
    entries = [match.entry for match in matches]
    slots = _slot_values(entries, figures)
    places = [e for e in entries if e.category == PLACE]
    specific = any(e.weight >= SPECIFIC_PLACE for e in places if e.slot == "origin")
    anchored = bool(places) or any(is_anchor(e) for e in entries)
    disputed = any(e.category == COUNTER for e in entries)  # said to be a lie, a smear
    concrete = not disputed and (specific or any(slot in slots for slot in CONCRETE))
    packed = tuple((slot, tuple(values)) for slot, values in slots.items())
    compound, strong = _move_strength(entries)
    implied = strong and "destination" in slots and "organiser" in slots and any(
        not e.canonical.isascii() for e in entries if e.slot == "move")  # 政府将她转移至工厂
    counted = "figure" in slots and max(_move_weights(entries), default=0) >= COUNTED_MOVE
    who = "who" in slots or compound or implied or counted
    if "move" not in slots or not who or not (strong or concrete):
        return Event(packed, 0.0, concrete, anchored)
    return _directed(Event(packed, event_score(slots, specific), concrete, anchored), matches,
                     text)


def _directed(event: Event, matches: Sequence[Match], text: str) -> Event:
    """The event with its direction: no event when people are moved INTO Xinjiang or people of
    another province are moved (direction.py), or into camps rather than work."""
    entries = [match.entry for match in matches]
    if into_camps(matches) and "destination" not in dict(event.slots):
        return replace(event, score=0.0)
    people = names_xinjiang_people(matches, text)
    arriving = any(e.canonical in ARRIVALS for e in entries if e.slot == "move") and not (
        outward(matches, text))  # arriving somewhere in Xinjiang, from elsewhere
    picking = any(e.canonical in COTTON for e in entries) and max(
        e.weight for e in entries if e.slot == "move") < STRONG_MOVE  # hiring pickers
    if (arriving or picking or any(e.slot == "inward" for e in entries)) and not people:
        return replace(event, score=0.0, inward=True)
    if not people and from_elsewhere(matches, text):
        return replace(event, score=0.0, elsewhere=True)
    return replace(event, outward=outward(matches, text))


def could_be_event(entries: Sequence[Entry]) -> bool:
    """Whether a sentence's raw candidates can make an event once word boundaries are checked:
    a move (or trainees), and for a weak move someone who is moved (a cheap pre-check)."""
    weights = _move_weights(entries)
    if any(e.category == "camp_to_work" for e in entries):
        return True
    if not weights:
        return False
    if max(weights) >= COUNTED_MOVE or any(
            e.category in COMPOUND_FAMILIES for e in entries if e.slot == "move"):
        return True
    return any(e.slot == "who" or e.canonical in ETHNONYMS for e in entries)


def context_event(matches: Sequence[Match]) -> Event | None:
    """A non-event sentence's control, political or cadre indicators, as a context hit
    (None when it has none): scored ``CONTROL`` and never counted in the document score."""
    terms = [m.entry.canonical for m in matches if m.entry.category in CONTEXT]
    if not terms:
        return None
    anchored = any(is_anchor(m.entry) for m in matches)
    return Event((("control", tuple(dict.fromkeys(terms))),), CONTROL, False, anchored)


def counter_weights(entries: Sequence[Entry]) -> dict[str, float]:
    """Distinct rebuttal words among ``entries`` with their (negative) weights."""
    return {e.canonical: e.weight for e in entries if e.category == COUNTER}
