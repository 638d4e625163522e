"""Placements no move word states: who is moved when the words only imply it.

A sentence may place people at work without a move verb (camps' detainees at a factory,
Xinjiang people working in another province, cadres canvassing households for a plant), or
state a move without naming who is moved (a camp named again, a pronoun before a passive move).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipelines.text.direction import (
    SPECIFIC_PLACE,
    came_from,
    denied_at,
    is_away,
    is_xinjiang_people,
    native_of,
)
from pipelines.text.flag import Entry, Match
from pipelines.text.lexicon import COUNTER, DETENTION, DOOR_TO_DOOR, ELSEWHERE, PLACE

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
CAMP_WORKERS = "detainees"  # the who slot's value for a camp named again
CANVASSED = ("households", "door-to-door recruitment")  # who and move of a canvassing event
# a pronoun right before a passive move is who is moved ("she was recruited", 他被安排到):
# plain hiring (hired, employed) is not a placement by itself
PRONOUN = re.compile(
    r"(?:\b(?:she|he|they)\s+(?:(?:was|were|had|has|have|been|being|is|are|got|later|then"
    r"|also|soon|eventually|first)\s+){1,3}|[她他]们?[^，。,；;]{0,4}被[^，。,；;]{0,2})$")
PRONOUN_WINDOW = 40
PRONOUNS = re.compile(r"\b(?:she|he|they)\b|[她他]")  # a cheap pre-check for PRONOUN
PLAIN_HIRING = frozenset(("hire", "employ"))
CAMP_TO_WORK = "camp to work"  # the move slot's value when detainees are put to work
WORKS_AWAY = "works in another province"  # Xinjiang people at a workplace elsewhere
SLOT_ORDER = ("who", "move", "origin", "destination", "organiser", "figure", "control",
              "programme")


def _put_to_work(matches: Sequence[Match], slots: dict[str, list[str]], text: str,
                 span: tuple[int, int]) -> bool:
    """Whether a sentence with no move says camps' detainees work at a workplace it names
    (在工厂劳动的再教育营被关押者; "detainees work as forced laborers to produce textiles"); the
    work is looked for outside the camp's own name ("labour camps")."""
    camps = [m for m in matches if m.entry.canonical in DETENTION]
    if "move" in slots or not camps or not (workplace([m.entry for m in matches]) or any(
            m.entry.canonical in WORKERS for m in matches)):
        return False
    inside = [(m.start, m.end) for m in camps]
    return any(not any(a <= work.start() < b for a, b in inside)
               and not denied_at(text, work.start()) for work in WORK.finditer(text, *span))


def works_at(entries: Sequence[Entry]) -> bool:
    """Whether the entries name a workplace itself (a factory, a company; not 内地, 疆外)."""
    return any(e.slot == "destination" and not is_away(e) for e in entries)


def workplace(entries: Sequence[Entry]) -> bool:
    """Whether the entries name a workplace (a factory, a company; not a province)."""
    return any(e.slot == "destination" and e.category != ELSEWHERE for e in entries)


def could_work_away(entries: Sequence[Entry]) -> bool:
    """Whether a sentence without a move may still place Xinjiang people at work elsewhere:
    Uyghurs or a southern place, another province (or 内地, "inland factories") and a
    workplace or migrant workers (a cheap pre-check)."""
    return (any(is_away(e) for e in entries)
            and (workplace(entries) or any(e.canonical in MIGRANTS for e in entries))
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
    if not migrant and not works_at(entries) and not any(e.category == ELSEWHERE
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
    return could_work_away(entries) or (workplace(entries) and any(
        _specific(e) for e in entries))


def came_to_work(entries: Sequence[Entry], text: str, span: tuple[int, int]) -> bool:
    """Whether a sentence may say people from a southern county work at a workplace it names
    (来自于田县…车间, "from Hotan … factory"): a cheap pre-check."""
    return workplace(entries) and any(_specific(e) for e in entries) and (
        text.find("来自", *span) >= 0 or text.find("from", *span) >= 0)


def _canvassed(entries: Sequence[Entry], slots: dict[str, list[str]]) -> bool:
    """Whether cadres canvass households door to door for a workplace the sentence names
    (村干部挨家挨户动员妇女进园区工厂; "officials went door to door for the garment plant")."""
    organisers = [e for e in entries if e.slot == "organiser" and e.canonical not in DOOR_TO_DOOR]
    return bool(organisers) and works_at(entries) and any(
        e.canonical in DOOR_TO_DOOR for e in entries)


def _camp_work(matches: Sequence[Match], slots: dict[str, list[str]], text: str,
               span: tuple[int, int]) -> bool:
    """Whether a sentence on a page that named a camp names the camp again ("the centre's
    textile factory", 该中心的车间) with a workplace, and work or a move that is not denied:
    its detainees are put to work there."""
    if "who" in slots and "move" in slots or not workplace([m.entry for m in matches]):
        return False
    if CAMP_REF.search(text, *span) is None:
        return False
    return "move" in slots or any(
        not denied_at(text, work.start()) for work in WORK.finditer(text, *span))


def implied_slots(matches: Sequence[Match], slots: dict[str, list[str]], text: str,
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


def implied_who(matches: Sequence[Match], slots: dict[str, list[str]], text: str,
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
