"""Scoring of transfer events and documents (pure arithmetic over filled slots).

An event (pipelines/text/events.py) is a sentence in which someone is MOVED or PLACED into work:
a move (转移, 输送, 赴…务工, transferred, bused …) and who is moved (劳动力, 农牧民, workers,
Uyghurs, a head count), or a compound term that says both (转移就业, 劳务输出, labor transfer).

Event score
    ``CORE`` for the move and who, plus one amount per further slot filled in the same sentence:
    origin (a Xinjiang prefecture, county, the south, XPCC or an ethnonym: ``ORIGIN``; only
    "Xinjiang" as a whole: ``ORIGIN_REGION``), destination or employer (a factory, another
    province, a lexicon company), organiser (government, work team, party committee), figure
    (1200人, "3,000 workers"), programme (对口援疆, quotas), control (集中管理, 国语培训).
    A weak move (上岗, 稳定就业, placed, employed) makes an event only with one CONCRETE slot:
    a specific origin, a destination, an organiser, a figure or a programme.

Document score
    The event scores, highest first, each next one counting half (s1 + s2/2 + s3/4 ...).
    Rebuttal words (谎言, 所谓强迫劳动, "smear") take ``COUNTER_SHARE`` of their weight off only
    when no event is concrete: they never lower a page that says who was moved where.
    A document is flagged iff it is ANCHORED in Xinjiang (a Xinjiang place, XPCC, Uyghurs or a
    lexicon company in an event, or Xinjiang named at least as often as other provinces, or a
    source declared in a Xinjiang region) and its score reaches ``THRESHOLD``. An unanchored
    document's score is shown scaled by ``UNANCHORED_FACTOR``, never flagged.
"""

from __future__ import annotations

from collections.abc import Iterable

THRESHOLD = 3.0
DECAY = 0.5
CORE = 2.0
ORIGIN = 1.0
ORIGIN_REGION = 0.5
DESTINATION = 1.0
ORGANISER = 1.0
FIGURE = 1.0
PROGRAMME = 0.5
CONTROL = 0.5
COUNTER_SHARE = 1.0
UNANCHORED_FACTOR = 0.25
SLOT_VALUES = {"destination": DESTINATION, "organiser": ORGANISER, "figure": FIGURE,
               "programme": PROGRAMME, "control": CONTROL}


def event_score(slots: Iterable[str], specific_origin: bool) -> float:
    """Score of one event from the names of its filled slots (who and move are the core)."""
    filled = set(slots)
    score = CORE + sum(value for slot, value in SLOT_VALUES.items() if slot in filled)
    if "origin" in filled:
        score += ORIGIN if specific_origin else ORIGIN_REGION
    return score


def decayed_sum(values: Iterable[float]) -> float:
    """Values sorted high to low, each counted at DECAY times the previous one's share."""
    return sum(value * DECAY**rank for rank, value in enumerate(sorted(values, reverse=True)))


def document_score(
    event_scores: Iterable[float], anchored: bool, concrete: bool, counters: Iterable[float]
) -> float:
    """Score of a document from its events, its anchor and its rebuttal words."""
    score = decayed_sum(event_scores)
    if not concrete:
        score += COUNTER_SHARE * sum(counters)  # counter weights are negative
    score = max(score, 0.0)
    return round(score if anchored else score * UNANCHORED_FACTOR, 3)


def is_flagged(score: float, anchored: bool = True) -> bool:
    """Whether a document score reaches the flagging threshold (anchored documents only)."""
    return anchored and score >= THRESHOLD
