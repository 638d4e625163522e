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

from pipelines.text.direction import (
    ARRIVALS,
    COTTON,
    MINORITIES,
    SPECIFIC_PLACE,
    came_from,
    denied_at,
    first_move,
    from_elsewhere,
    into_camps,
    is_anchor,
    is_xinjiang_people,
    names_xinjiang_people,
    native_of,
    negated,
    outward,
)
from pipelines.text.flag import Entry, Match
from pipelines.text.lexicon import (
    COMPOUND_FAMILIES,
    COUNTED_MOVE,
    COUNTER,
    DETENTION,
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
# work done at the workplace a camp sentence names (detainees made to work in a factory)
WORK = re.compile(r"劳动|工作|务工|上班|打工|干活|做工|生产|合同|工资|月薪|上岗"
                  r"|\b(?:work(?:s|ed|ing)?|labou?r(?:s|ed|ing|ers?)?|produc(?:e|es|ed|ing)"
                  r"|contracts?|shifts?|wages?|salar(?:y|ies))\b")
WORKERS = frozenset(("工人", "员工", "worker", "laborer", "employee"))  # stand for a workplace
HOMEBOUND = "返乡人员"  # workers of other provinces going home: never Xinjiang people moved out
CAMP_TO_WORK = "camp to work"  # the move slot's value when detainees are put to work
WORKS_AWAY = "works in another province"  # Xinjiang people at a workplace elsewhere
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


def _put_to_work(matches: Sequence[Match], slots: dict[str, list[str]], text: str,
                 span: tuple[int, int]) -> bool:
    """Whether a sentence with no move says camps' detainees work at a workplace it names
    (在工厂劳动的再教育营被关押者; "detainees work as forced laborers to produce textiles"); the
    work is looked for outside the camp's own name ("labour camps")."""
    camps = [m for m in matches if m.entry.canonical in DETENTION]
    if "move" in slots or not camps or not (_workplace([m.entry for m in matches]) or any(
            m.entry.canonical in WORKERS for m in matches)):
        return False
    inside = [(m.start, m.end) for m in camps]
    return any(not any(a <= work.start() < b for a, b in inside)
               and not denied_at(text, work.start()) for work in WORK.finditer(text, *span))


def _workplace(entries: Sequence[Entry]) -> bool:
    """Whether the entries name a workplace (a factory, a company; not a province)."""
    return any(e.slot == "destination" and e.category != ELSEWHERE for e in entries)


def could_work_away(entries: Sequence[Entry]) -> bool:
    """Whether a sentence without a move may still place Xinjiang people at work elsewhere:
    Uyghurs or a southern place, another province and a workplace (a cheap pre-check)."""
    return (any(e.category == ELSEWHERE for e in entries) and _workplace(entries)
            and any(is_xinjiang_people(e) for e in entries))


def _works_away(matches: Sequence[Match], slots: dict[str, list[str]], text: str,
                span: tuple[int, int]) -> bool:
    """Whether a sentence with no move says Xinjiang people work at a workplace in another
    province ("775 people from Shufu working in a Shaoguan toy factory", 维吾尔族员工在广东
    工厂工作): the placement is the event, though no move verb is written."""
    entries = [m.entry for m in matches]
    if "move" in slots or not could_work_away(entries) or any(
            e.slot == "inward" for e in entries):
        return False
    people = min(m.start for m in matches if is_xinjiang_people(m.entry))
    away = any(m.entry.category == ELSEWHERE and m.start > people
               and not came_from(text, m.start) and not native_of(text, m) for m in matches)
    return away and any(not denied_at(text, work.start()) for work in WORK.finditer(text, *span))


def _implied(matches: Sequence[Match], slots: dict[str, list[str]], text: str,
             span: tuple[int, int]) -> dict[str, list[str]]:
    """The slots of a sentence with no move, with the move it implies: detainees put to work,
    or Xinjiang people working in another province (unchanged when it implies none)."""
    entries = [match.entry for match in matches]
    if _put_to_work(matches, slots, text, span):
        who = [e.canonical for e in entries if e.canonical in DETENTION]
        slots = {**slots, "who": who, "move": [CAMP_TO_WORK]}
    elif _works_away(matches, slots, text, span):
        people = [e.canonical for e in entries if is_xinjiang_people(e)][:1]
        slots = {"who": people, **slots, "move": [WORKS_AWAY]}
    return {slot: slots[slot] for slot in SLOT_ORDER if slot in slots}


def sentence_event(matches: Sequence[Match], figures: Sequence[str], text: str = "",
                   span: tuple[int, int] = (0, 0)) -> Event:
    """The event (or non-event) of one sentence's accepted matches and figures (``text``: the
    folded text the match offsets point into; ``span``: the sentence's place in it)."""
    written = any(m.entry.slot == "move" for m in matches)
    matches = _as_said(matches, text)
    entries = [match.entry for match in matches]
    slots = _slot_values(entries, figures)
    if not written:  # a denied move implies nothing
        slots = _implied(matches, slots, text, span)
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
    homebound = any(e.canonical == HOMEBOUND for e in entries) and not any(
        e.canonical in ETHNONYMS or e.canonical in MINORITIES for e in entries)
    inward = arriving or picking or any(e.slot == "inward" for e in entries)
    if homebound or (inward and not people):
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
    if any(e.canonical in DETENTION for e in entries):
        return any(e.slot == "destination" or e.canonical in WORKERS for e in entries)
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
