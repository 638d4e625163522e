"""Transfer events: the slots one sentence fills, and whether they make a transfer.

Each lexicon entry fills one slot (``Entry.slot``: who, move, origin, destination, organiser,
control, programme) or marks a direction (``inward``: people moved INTO Xinjiang). Traps are
rules about direction and context, not words that subtract: 产能转移 claims its 转移 so no
move is left, and an inward marker turns a sentence's move into migration into Xinjiang unless
the sentence names Uyghurs or other Xinjiang people as the ones moved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipelines.text.flag import Entry, Match
from pipelines.text.lexicon import (
    COMPANY,
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
SPECIFIC_PLACE = 0.6  # Xinjiang places at least this heavy are specific origins (not 新疆 itself)
# terms that exist only in Xinjiang: they anchor a page as a place does
XINJIANG_ONLY = frozenset((
    "职业技能教育培训中心", "教培中心", "访惠聚", "喀什和田两地三年10万人就业计划", "再教育营",
    "vocational skills education and training center", "re-education camp"))
COTTON = frozenset(("拾花工", "棉田", "cotton pickers", "cotton field"))  # seasonal picking
LOCATIVE = re.compile(r"(?:[在于到赴往至达]|\b(?:in|at|to|into)\s+(?:the\s+)?)[^，。,;；]{0,6}$")
LOCATIVE_WINDOW = 12
ARRIVALS = frozenset(("抵达", "arrive"))  # arrivals in Xinjiang are inward unless of its people
MINORITIES = frozenset(("少数民族", "minority"))  # on a Xinjiang page: Uyghurs and others
AID = "援疆"  # right after a province: that province's aid-Xinjiang office, an organiser
NEGATION = re.compile(  # "are not sent to work": a word or two may follow the negation
    r"(?:\b(?:not|never|no longer)\s+(?:[a-z]+\s+){0,2}|[不未]|没有|从未|并非|并未)$")
NEGATION_WINDOW = 24
OUTWARD = frozenset(("疆外", "内地", "外省", "other provinces", "内地就业", "转移内地"))
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


def _first_move(matches: Sequence[Match]) -> int:
    """Where the sentence's first move starts."""
    return min((m.start for m in matches if m.entry.slot == "move"), default=0)


def _xinjiang_people(matches: Sequence[Match], text: str) -> bool:
    """Whether the sentence says the ones moved are Xinjiang people: Uyghurs, or a southern
    place that is not where someone goes (和田县…群众到天津企业就业; not 赴新疆阿克苏采棉)."""
    return any(m.entry.canonical in ETHNONYMS for m in matches) or any(
        is_xinjiang_people(m.entry) and not _located(text, m.start) for m in matches)


def _outward(matches: Sequence[Match], text: str) -> bool:
    """Whether the move leads out of Xinjiang or moves Xinjiang people (疆外, 内地, another
    province after the move): such an event stands on a page that also speaks of inward
    migration."""
    first = _first_move(matches)
    return _xinjiang_people(matches, text) or any(
        m.entry.canonical in OUTWARD or (m.entry.category == ELSEWHERE and m.start > first)
        for m in matches)


def _located(text: str, start: int) -> bool:
    """Whether a place at ``start`` is where something is or goes (在浙江, "in Anhui", 到天津)
    rather than where people come from."""
    return bool(LOCATIVE.search(text[max(0, start - LOCATIVE_WINDOW) : start]))


def _from_elsewhere(matches: Sequence[Match], text: str) -> bool:
    """Whether people of another province are the ones moved: the province stands before the
    first move, not as a location (湖南省…组织劳务输出; 青海…向新疆…输送), or the sentence is
    about seasonal cotton picking and names another province."""
    first = _first_move(matches)
    elsewhere = [m for m in matches if m.entry.category == ELSEWHERE
                 and not text.startswith(AID, m.end)]  # 广东援疆指挥部: the paired province
    if any(m.start < first and not _located(text, m.start) for m in elsewhere):
        return True
    return bool(elsewhere) and any(m.entry.canonical in COTTON for m in matches)


def _negated(text: str, match: Match) -> bool:
    """Whether a move is denied ("are not sent", 从未转移, 不存在…输送)."""
    return bool(NEGATION.search(text[max(0, match.start - NEGATION_WINDOW) : match.start]))


def _as_said(matches: Sequence[Match], text: str) -> list[Match]:
    """The matches without denied moves, and with other provinces before the move out of the
    destination slot (there they are who is moved or where the sentence is, not where to)."""
    first = _first_move(matches)
    kept = []
    for match in matches:
        if match.entry.slot == "move" and text and _negated(text, match):
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
    implied = strong and "destination" in slots and "organiser" in slots  # 政府将她转移至工厂
    counted = "figure" in slots and max(_move_weights(entries), default=0) >= COUNTED_MOVE
    who = "who" in slots or compound or implied or counted
    if "move" not in slots or not who or not (strong or concrete):
        return Event(packed, 0.0, concrete, anchored)
    people = _xinjiang_people(matches, text)
    arriving = all(e.canonical in ARRIVALS for e in entries if e.slot == "move") and not (
        _outward(matches, text))  # arriving somewhere in Xinjiang, from elsewhere
    inward = (arriving or any(e.slot == "inward" for e in entries)) and not people
    if not inward and not people and _from_elsewhere(matches, text):
        return Event(packed, 0.0, concrete, anchored, elsewhere=True)
    if inward:
        return Event(packed, 0.0, concrete, anchored, inward=True)
    return Event(packed, event_score(slots, specific), concrete, anchored,
                 outward=_outward(matches, text))


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


def is_xinjiang_people(entry: Entry) -> bool:
    """Whether an entry names Xinjiang people who can be the ones moved: Uyghurs, a southern
    prefecture or county, a Xinjiang-only institution (not Urumqi or the XPCC, where labourers
    from other provinces go)."""
    if entry.canonical in ETHNONYMS or entry.canonical in XINJIANG_ONLY or (
            entry.canonical in MINORITIES):
        return True
    return entry.category == PLACE and entry.weight >= SPECIFIC_PLACE and entry.canonical not in (
        "兵团", "xpcc")


def is_anchor(entry: Entry) -> bool:
    """Whether an entry ties a page to Xinjiang: a place, a company, a Xinjiang-only term."""
    return entry.category in (PLACE, COMPANY) or entry.canonical in XINJIANG_ONLY


def counter_weights(entries: Sequence[Entry]) -> dict[str, float]:
    """Distinct rebuttal words among ``entries`` with their (negative) weights."""
    return {e.canonical: e.weight for e in entries if e.category == COUNTER}
