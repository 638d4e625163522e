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
    is_away,
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
    DOOR_TO_DOOR,
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
# migrant workers: their name says they work away from home (维吾尔族农民工 … 沿海城市)
MIGRANTS = frozenset(("农民工", "务工人员"))
# a camp named again by its head noun, on a page that has named a camp: "the centre's textile
# factory", 该中心的车间 (the detainees are who works there)
CAMP_REF = re.compile(
    r"\bthe\s+(?:centre|center|camp|facility)(?:['’]s)?\b"
    r"|\b(?:vocational\s+)?(?:skills\s+)?(?:education\s+and\s+)?training\s+"
    r"(?:centres?|centers?|facilit(?:y|ies))\b|该中心|中心(?:内|里|的)|培训中心")
INTAKE = frozenset(("招录", "接收"))  # an intake of students when a school is named
JOBS = re.compile(r"就业|上岗|\b(?:employ(?:s|ed|ment)?|hired|jobs?)\b")
CAMP_PAGE = re.compile(r"re-?education|再教育")  # a page that speaks of re-education
CAMP_WORKERS = "detainees"  # the who slot's value for a camp named again
CANVASSED = ("households", "door-to-door recruitment")  # who and move of a canvassing event
# a pronoun right before a passive move is who is moved ("she was recruited", 他被安排到):
# plain hiring (hired, employed) is not a placement by itself
PRONOUN = re.compile(
    r"(?:\b(?:she|he|they)\s+(?:(?:was|were|had|has|have|been|being|is|are|got|later|then"
    r"|also|soon|eventually|first)\s+){1,3}|[她他]们?[^，。,；;]{0,4}被[^，。,；;]{0,2})$")
PRONOUN_WINDOW = 40
PLAIN_HIRING = frozenset(("hire", "employ"))
PRONOUNS = re.compile(r"\b(?:she|he|they)\b|[她他]")  # a cheap pre-check for PRONOUN
# where the ones "moved" go to study, not to work (内地班, 中等职业学校, universities)
SCHOOL = re.compile(r"学校|高校|院校|大学|高中|中职|内高班|内职班|读书|学习|升学|招生"
                    r"|\b(?:schools?|universit(?:y|ies)|colleges?|classes|study|studies)\b")
FORCED = "被迫…劳动"  # forced to labour: a placement only where a workplace is named
EMPLOYMENT = frozenset(("就业", "稳定就业"))  # employment as such, not a placement verb
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


def _works_at(entries: Sequence[Entry]) -> bool:
    """Whether the entries name a workplace itself (a factory, a company; not 内地, 疆外)."""
    return any(e.slot == "destination" and not is_away(e) for e in entries)


def _workplace(entries: Sequence[Entry]) -> bool:
    """Whether the entries name a workplace (a factory, a company; not a province)."""
    return any(e.slot == "destination" and e.category != ELSEWHERE for e in entries)


def could_work_away(entries: Sequence[Entry]) -> bool:
    """Whether a sentence without a move may still place Xinjiang people at work elsewhere:
    Uyghurs or a southern place, another province (or 内地, "inland factories") and a
    workplace or migrant workers (a cheap pre-check)."""
    return (any(is_away(e) for e in entries)
            and (_workplace(entries) or any(e.canonical in MIGRANTS for e in entries))
            and any(is_xinjiang_people(e) for e in entries))


def _works_away(matches: Sequence[Match], slots: dict[str, list[str]], text: str,
                span: tuple[int, int]) -> bool:
    """Whether a sentence with no move says Xinjiang people work at a workplace in another
    province ("775 people from Shufu working in a Shaoguan toy factory", 维吾尔族员工在广东
    工厂工作, 南疆维吾尔族农民工走向沿海城市), or people who came from a southern county work
    at a workplace it names (来自于田县的工人在车间工作, "a woman from Kashgar works at a
    garment plant in Korla"): the placement is the event, though no move verb is written."""
    entries = [m.entry for m in matches]
    if "move" in slots or any(e.slot == "inward" for e in entries):
        return False
    if not could_work_away(entries) and not came_to_work(entries, text, span):
        return False
    people = min((m.start for m in matches if is_xinjiang_people(m.entry)), default=-1)
    if people < 0:
        return False
    away = any(is_away(m.entry) and m.start > people
               and not came_from(text, m.start) and not native_of(text, m) for m in matches)
    from_home = any(_specific(m.entry) and came_from(text, m.start) for m in matches) and any(
        m.entry.slot == "destination" and not is_away(m.entry) and m.start > people
        for m in matches)
    migrant = any(e.canonical in MIGRANTS for e in entries)
    if not migrant and not _works_at(entries) and not any(e.category == ELSEWHERE
                                                           for e in entries):
        return False  # 内地 alone is where, not a workplace (a province and 内地 are, as before)
    claimed = [(m.start, m.end) for m in matches if m.entry.category in ("trap", COUNTER)]
    return (away or from_home) and (migrant or any(
        work.start() > people and not denied_at(text, work.start())
        and not any(a <= work.start() < b for a, b in claimed)  # "forced labor" is a claim
        for work in WORK.finditer(text, *span)))


def _specific(entry: Entry) -> bool:
    """Whether an entry is a specific Xinjiang place (a prefecture, a county, the south)."""
    return entry.category == PLACE and entry.weight >= SPECIFIC_PLACE


def may_place(entries: Sequence[Entry]) -> bool:
    """Whether entries with no move may still make an event: Xinjiang people at work in
    another province, or a specific Xinjiang place beside a workplace (a cheap pre-check)."""
    return could_work_away(entries) or (_workplace(entries) and any(
        _specific(e) for e in entries))


def came_to_work(entries: Sequence[Entry], text: str, span: tuple[int, int]) -> bool:
    """Whether a sentence may say people from a southern county work at a workplace it names
    (来自于田县…车间, "from Hotan … factory"): a cheap pre-check."""
    return _workplace(entries) and any(_specific(e) for e in entries) and (
        text.find("来自", *span) >= 0 or text.find("from", *span) >= 0)


def _canvassed(entries: Sequence[Entry], slots: dict[str, list[str]]) -> bool:
    """Whether cadres canvass households door to door for a workplace the sentence names
    (村干部挨家挨户动员妇女进园区工厂; "officials went door to door for the garment plant")."""
    organisers = [e for e in entries if e.slot == "organiser" and e.canonical not in DOOR_TO_DOOR]
    return bool(organisers) and _works_at(entries) and any(
        e.canonical in DOOR_TO_DOOR for e in entries)


def _camp_work(matches: Sequence[Match], slots: dict[str, list[str]], text: str,
               span: tuple[int, int]) -> bool:
    """Whether a sentence on a page that named a camp names the camp again ("the centre's
    textile factory", 该中心的车间) with a workplace, and work or a move that is not denied:
    its detainees are put to work there."""
    if "who" in slots and "move" in slots or not _workplace([m.entry for m in matches]):
        return False
    if CAMP_REF.search(text, *span) is None:
        return False
    return "move" in slots or any(
        not denied_at(text, work.start()) for work in WORK.finditer(text, *span))


def _implied(matches: Sequence[Match], slots: dict[str, list[str]], text: str,
             span: tuple[int, int], camp_page: bool = False) -> dict[str, list[str]]:
    """The slots of a sentence with no move, with the move it implies: detainees put to work,
    or Xinjiang people working in another province (unchanged when it implies none)."""
    entries = [match.entry for match in matches]
    if camp_page and _camp_work(matches, slots, text, span):
        slots = {**slots, "who": [CAMP_WORKERS], "move": slots.get("move") or [CAMP_TO_WORK]}
    elif _canvassed(entries, slots):
        households, canvassing = CANVASSED
        slots = {**slots, "who": slots.get("who", [households]), "move": [canvassing]}
    elif _put_to_work(matches, slots, text, span):
        who = [e.canonical for e in entries if e.canonical in DETENTION]
        slots = {**slots, "who": who, "move": [CAMP_TO_WORK]}
    elif _works_away(matches, slots, text, span):
        people = [e.canonical for e in entries if is_xinjiang_people(e)][:1]
        slots = {"who": people, **slots, "move": [WORKS_AWAY]}
    return {slot: slots[slot] for slot in SLOT_ORDER if slot in slots}


def _implied_who(matches: Sequence[Match], slots: dict[str, list[str]], text: str,
                 span: tuple[int, int], camp_page: bool) -> dict[str, list[str]]:
    """The slots of a sentence with a move but no one named as moved, with who its words
    imply: a camp named again (its detainees), or a pronoun right before a passive move
    ("she was recruited", 她被安排到); unchanged when they imply no one."""
    who = ""
    if camp_page and _camp_work(matches, slots, text, span):
        who = CAMP_WORKERS
    else:
        for match in matches:
            if match.entry.slot == "move" and match.entry.canonical not in PLAIN_HIRING:
                found = PRONOUN.search(text, max(span[0], match.start - PRONOUN_WINDOW),
                                       match.start)
                if found:
                    said = found.group()
                    who = said.split()[0] if said.isascii() else said[:1]
                    break
    if not who:
        return slots
    slots = {**slots, "who": [who]}
    return {slot: slots[slot] for slot in SLOT_ORDER if slot in slots}


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
        slots = _implied(matches, slots, text, span, camp_page)
    elif "who" not in slots:
        slots = _implied_who(matches, slots, text, span, camp_page)
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
    if not moves or school is None or _works_at([m.entry for m in matches]):
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
    if any(e.canonical in DOOR_TO_DOOR for e in entries) and _works_at(entries):
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
