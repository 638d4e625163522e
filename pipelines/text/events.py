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
    DETENTION,
    DOOR_TO_DOOR,
    ELSEWHERE,
    ETHNONYMS,
    MINORITIES,
    PLACE,
)
from pipelines.text.placement import (
    SLOT_ORDER,
    WORK,
    WORKERS,
    implied_slots,
    implied_who,
    works_at,
)
from pipelines.text.score import CONTROL, event_score

CONTEXT = frozenset(("control", "political", "cadre"))  # families quoted beside an event
STRONG_MOVE = 2.0  # a move term at least this heavy needs no concrete slot besides who
CONCRETE = ("destination", "organiser", "figure", "programme")
# families that fill a second slot besides the move: 有组织转移 names an organiser, 转移内地 a
# destination
ALSO_FILLS = {"organised_transfer": "organiser", "channel": "destination"}
INTAKE = frozenset(("招录", "接收"))  # an intake of students when a school is named
JOBS = re.compile(r"就业|上岗|\b(?:employ(?:s|ed|ment)?|hired|jobs?)\b")
CAMP_PAGE = re.compile(r"re-?education|再教育")  # a page that speaks of re-education
# where the ones "moved" go to study, not to work (内地班, 中等职业学校, universities)
SCHOOL = re.compile(r"学校|高校|院校|大学|高中|中职|内高班|内职班|读书|学习|升学|招生"
                    r"|\b(?:schools?|universit(?:y|ies)|colleges?|classes|study|studies)\b")
FORCED = "被迫…劳动"  # forced to labour: a placement only where a workplace is named
EMPLOYMENT = frozenset(("就业", "稳定就业"))  # employment as such, not a placement verb
HOMEBOUND = "返乡人员"  # workers of other provinces going home: never Xinjiang people moved out


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


def sentence_event(matches: Sequence[Match], figures: Sequence[str], text: str = "",
                   span: tuple[int, int] = (0, 0), camp_page: bool = False) -> Event:
    """The event (or non-event) of one sentence's accepted matches and figures (``text``: the
    folded text the match offsets point into; ``span``: the sentence's place in it;
    ``camp_page``: the page has named a camp, so "the centre" in this sentence is one)."""
    written = any(m.entry.slot == "move" for m in matches)
    matches = _as_said(matches, text)
    entries = [match.entry for match in matches]
    slots = _slot_values(entries, figures)
    if not written:  # a denied move implies nothing
        slots = implied_slots(matches, slots, text, span, camp_page)
    elif "who" not in slots:
        slots = implied_who(matches, slots, text, span, camp_page)
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
    if _policy_only(slots, specific):
        return Event(packed, 0.0, concrete, anchored)
    moves = [e.canonical for e in entries if e.slot == "move"]
    if "destination" not in slots and moves and all(move == FORCED for move in moves):
        return Event(packed, 0.0, concrete, anchored)  # forced to work, but nowhere named
    if span != (0, 0) and _schooling(matches, text, span):
        return Event(packed, 0.0, concrete, anchored)
    return _directed(Event(packed, event_score(slots, specific), concrete, anchored), matches,
                     text)


def _policy_only(slots: dict[str, list[str]], specific: bool) -> bool:
    """Whether a sentence says only that 政府 promotes employment (政府促进少数民族就业,
    千方百计稳定就业): its move is employment as such, its only concrete slot 政府 — an
    employment policy, not a placement (a placement verb, "officials assigned villagers to
    jobs", 政府安排, stays an event)."""
    if specific or any(slot in slots for slot in ("destination", "figure", "programme")):
        return False
    return set(slots.get("move", ())) <= EMPLOYMENT and set(slots.get("organiser", ())) <= {
        "政府"}


def _schooling(matches: Sequence[Match], text: str, span: tuple[int, int]) -> bool:
    """Whether the sentence moves students to schools (内地班 quotas, 招录…进入中等职业学校,
    "sent graduates to vocational schools"): a school after the move (or an intake: 招录,
    招收), no workplace, no work or job, and no transfer-family term (转移就业 after training
    stays a transfer)."""
    moves = [m for m in matches if m.entry.slot == "move"]
    school = SCHOOL.search(text, *span)
    if not moves or school is None or works_at([m.entry for m in matches]):
        return False
    if any(m.entry.category in COMPOUND_FAMILIES or m.entry.weight >= 3 for m in moves):
        return False
    intake = any(m.entry.canonical in INTAKE for m in moves)
    later = SCHOOL.search(text, min(m.start for m in moves), span[1]) is not None
    return (intake or later) and WORK.search(text, *span) is None and JOBS.search(
        text, *span) is None


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
    if any(e.canonical in DOOR_TO_DOOR for e in entries) and works_at(entries):
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
