"""Direction and anchor: who is moved, from where, to where, and whether a page is Xinjiang's.

Rules about position, not words that subtract. A province before the move (not as a location)
is where the moved people come from (湖南省…组织劳务输出); an inward marker (赴新疆, 返疆, "to
Xinjiang") or an arrival (抵达) moves people INTO Xinjiang unless the sentence names Xinjiang
people (Uyghurs, minorities, a southern place that is not the destination); a denied move is
no move.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipelines.text.flag import Entry, Match
from pipelines.text.lexicon import AWAY, COMPANY, ELSEWHERE, ETHNONYMS, MINORITIES, PLACE

SPECIFIC_PLACE = 0.6  # Xinjiang places at least this heavy are specific origins (not 新疆 itself)
# terms that exist only in Xinjiang: they anchor a page as a place does
XINJIANG_ONLY = frozenset((
    "职业技能教育培训中心", "教培中心", "访惠聚", "喀什和田两地三年10万人就业计划", "再教育营",
    "vocational skills education and training center", "re-education camp"))
CAMPS = frozenset(("再教育营", "re-education camp", "教培中心", "职业技能教育培训中心",
                   "vocational skills education and training center"))
COTTON = frozenset(("拾花工", "棉田", "cotton pickers", "cotton field"))  # seasonal picking
LOCATIVE = re.compile(  # 在/到/去/向 … or "in/at/to": where something is or goes
    r"(?:[在于到赴往至达去向]|\b(?:in|at|to|into)\s+(?:the\s+)?)[^，。,;；]{0,6}$")
LOCATIVE_WINDOW = 12
FROM = re.compile(  # 来自河南, "from other provinces, such as Henan"
    r"(?:(?:[从自]|来自)[^，。,;；]{0,6}|\bfrom\s+(?:(?!\b(?:in|at|to|into)\b)[^.;。；]){0,50})$")
FROM_WINDOW = 60
ARRIVALS = frozenset(("抵达", "arrive"))  # arrivals in Xinjiang are inward unless of its people
AID = "援疆"  # right after a province: that province's aid-Xinjiang office, an organiser
NEGATION = re.compile(  # "are not sent to work": a word or two may follow the negation
    r"(?:\b(?:not|never|no longer)\s+(?:[a-z]+\s+){0,2}|[不未]|没有|从未|并非|并未)$")
NEGATION_WINDOW = 24
OUTWARD = frozenset(("疆外", "内地", "外省", "other provinces", "内地就业", "转移内地"))
TOWARDS = "方向"  # 库尔勒方向: a place followed by it is where a convoy heads


def first_move(matches: Sequence[Match]) -> int:
    """Where the sentence's first move starts."""
    return min((m.start for m in matches if m.entry.slot == "move"), default=0)


def into_camps(matches: Sequence[Match]) -> bool:
    """Whether a camp is where the move leads ("placed them in internment camps", 送入再教育营):
    detention, not work — unless a workplace is named too (checked by the caller)."""
    moves = [m.start for m in matches if m.entry.slot == "move"]
    return bool(moves) and any(
        m.entry.canonical in CAMPS and m.start > min(moves) for m in matches)


def names_xinjiang_people(matches: Sequence[Match], text: str) -> bool:
    """Whether the sentence says the ones moved are Xinjiang people: Uyghurs, or a southern
    place that is not where someone goes (和田县…群众到天津企业就业; not 赴新疆阿克苏采棉)."""
    named = [m for m in matches if not (
        m.entry.canonical in ETHNONYMS and _region_name(text, m.end))]
    return any(m.entry.canonical in ETHNONYMS for m in named) or any(
        is_xinjiang_people(m.entry) and not located(text, m.start)
        and not text.startswith(TOWARDS, m.end) for m in named)


REGION_NAME = re.compile(r"自治区|\s*autonomous\s+region")


def _region_name(text: str, end: int) -> bool:
    """Whether an ethnonym ending at ``end`` is part of the region's name (新疆维吾尔自治区,
    "Xinjiang Uyghur Autonomous Region"), not people (raw candidates overlap the name)."""
    return REGION_NAME.match(text, end, end + 24) is not None


def is_away(entry: Entry) -> bool:
    """Whether an entry names somewhere outside Xinjiang (a province, 内地, 疆外, "other
    provinces", "inland factories")."""
    return entry.category == ELSEWHERE or entry.canonical in AWAY


def outward(matches: Sequence[Match], text: str) -> bool:
    """Whether the move leads out of Xinjiang or moves Xinjiang people (疆外, 内地, another
    province after the move): such an event stands on a page that also speaks of inward
    migration."""
    first = first_move(matches)
    return names_xinjiang_people(matches, text) or any(
        (m.entry.canonical in OUTWARD or (m.entry.category == ELSEWHERE and m.start > first))
        and not came_from(text, m.start) for m in matches)


def came_from(text: str, start: int) -> bool:
    """Whether a place at ``start`` is where people come from (来自河南, "from other provinces")."""
    return bool(FROM.search(text[max(0, start - FROM_WINDOW) : start]))


NATIVE = re.compile(r"(?:[、,，和及与][^、,，。]{1,4})*籍")  # 四川、重庆籍务工人员: natives of


def native_of(text: str, match: Match) -> bool:
    """Whether a place names where people are natives of (四川、重庆籍, 川渝籍), not where they
    go."""
    return text[match.end - 1] == "籍" or NATIVE.match(text, match.end, match.end + 16) is not None


def located(text: str, start: int) -> bool:
    """Whether a place at ``start`` is where something is or goes (在浙江, "in Anhui", 到天津)
    rather than where people come from."""
    return bool(LOCATIVE.search(text[max(0, start - LOCATIVE_WINDOW) : start]))


def from_elsewhere(matches: Sequence[Match], text: str) -> bool:
    """Whether people of another province are the ones moved: the province stands before the
    first move, not as a location (湖南省…组织劳务输出; 青海…向新疆…输送), or the sentence is
    about seasonal cotton picking and names another province."""
    first = first_move(matches)
    elsewhere = [m for m in matches if m.entry.category == ELSEWHERE
                 and not text.startswith(AID, m.end)]  # 广东援疆指挥部: the paired province
    if any(m.start < first and not located(text, m.start) for m in elsewhere):
        return True
    if any(came_from(text, m.start) for m in matches
           if m in elsewhere or m.entry.canonical in OUTWARD):
        return True  # "laborers from Henan, Sichuan", "pickers from across the country"
    return bool(elsewhere) and any(m.entry.canonical in COTTON for m in matches)


def negated(text: str, match: Match) -> bool:
    """Whether a move is denied ("are not sent", 从未转移, 不存在…输送)."""
    return denied_at(text, match.start)


def denied_at(text: str, start: int) -> bool:
    """Whether the words before ``start`` deny what follows ("not", 未, 从未)."""
    return bool(NEGATION.search(text[max(0, start - NEGATION_WINDOW) : start]))


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
