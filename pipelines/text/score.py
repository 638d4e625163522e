"""Scoring of flagged sentences and documents (pure arithmetic; the weights live in the lexicon).

Sentence score
    1. ``base``: the weights of the DISTINCT labour terms in the sentence, highest first, each
       counted at half the value of the one before (w1 + w2/2 + w4/4 + ...), so piling up
       synonyms raises the score less than adding a new kind of evidence.
    2. If one of those terms is a transfer term (surplus labour, transfer, organised transfer,
       channel, dispatch, camp-to-work, softer wording), ``base`` is multiplied by
       ``1 + boosts``, where boosts add up for what co-occurs in the SAME sentence:
       a Xinjiang place (the place's lexicon weight, 0.4-0.7; or ``DOCUMENT_PLACE_BOOST``
       when the place is named elsewhere in the document), a lexicon company (0.4; 0.2 if
       not tied to transfers), a figure such as "1200人" (0.5), and control, political or
       cadre indicators such as 集中管理, 国语培训 or 目标责任状 (0.4).
    3. Counter terms (trap markers such as 产能转移, 拾花工, 谎言; negative weights) are added.
    4. The result is floored at 0.

Document score
    The sentence scores, highest first, combined as s1 + s2/2 + s3/4 + ... (so the score is at
    most twice the best sentence). Trap markers in the document's OTHER sentences (a rebuttal's
    "所谓强迫劳动……谎言" next to a bare mention of 转移就业) take off ``DOCUMENT_COUNTER_SHARE``
    of their weight. The result is then scaled by where the document is:
    a Xinjiang place or lexicon company anywhere -> 1; no place at all (a county notice that
    says only 我县) -> ``UNPLACED_DAMPING``; only places elsewhere in China (Sichuan, Fujian)
    -> ``ELSEWHERE_DAMPING``, since labour migration there is not evidence.
    The document is flagged iff its score is at least ``THRESHOLD`` (chosen on the dev split of
    evaluation/corpus, between the best-scoring trap, 3.5, and the weakest true evidence, 4.0):
    a transfer term in the same sentence as a southern Xinjiang place is enough (和田地区转移就业:
    3.0 x 1.6 = 4.8); a transfer term in a document that names Xinjiang only elsewhere is not
    (3.0 x 1.25 = 3.75) unless a figure, an organised transfer, control or cadre indicators or a
    second sentence add to it. docs/detection.md explains this for analysts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

THRESHOLD = 4.0
DECAY = 0.5
ELSEWHERE_DAMPING = 0.25
UNPLACED_DAMPING = 0.85
DOCUMENT_COUNTER_SHARE = 0.5
COMPANY_BOOST = 0.4
UNTIED_COMPANY_BOOST = 0.2
FIGURE_BOOST = 0.5
DOCUMENT_PLACE_BOOST = 0.25
CONTROL_BOOST = 0.4
TRANSFER_CATEGORIES = frozenset(
    (
        "surplus_labour",
        "transfer",
        "organised_transfer",
        "channel",
        "dispatch",
        "camp_to_work",
        "soft",
    )
)
CONTROL_CATEGORIES = frozenset(("control", "political", "cadre"))
XINJIANG, UNPLACED, ELSEWHERE = "xinjiang", "unplaced", "elsewhere"
_CONTEXT_FACTOR = {XINJIANG: 1.0, UNPLACED: UNPLACED_DAMPING, ELSEWHERE: ELSEWHERE_DAMPING}


@dataclass(frozen=True)
class SentenceEvidence:
    """What one sentence contains, as far as scoring is concerned."""

    labour: tuple[tuple[str, float], ...]  # (category, weight) per distinct labour term
    counter_weights: tuple[float, ...] = ()
    place_weight: float = 0.0  # highest weight of a Xinjiang place in the sentence
    company: bool = False
    company_tied: bool = False
    figure: bool = False
    document_context: bool = False  # a Xinjiang place or company appears somewhere in the text


def decayed_sum(values: Iterable[float]) -> float:
    """Values sorted high to low, each counted at DECAY times the previous one's share."""
    return sum(value * DECAY**rank for rank, value in enumerate(sorted(values, reverse=True)))


def co_occurrence_factor(evidence: SentenceEvidence) -> float:
    """1 plus the boosts earned by a transfer term's context (1 if there is no transfer term)."""
    categories = {category for category, _ in evidence.labour}
    if not categories & TRANSFER_CATEGORIES:
        return 1.0
    boost = evidence.place_weight or (DOCUMENT_PLACE_BOOST if evidence.document_context else 0)
    if evidence.company:
        boost += COMPANY_BOOST if evidence.company_tied else UNTIED_COMPANY_BOOST
    if evidence.figure:
        boost += FIGURE_BOOST
    if categories & CONTROL_CATEGORIES:
        boost += CONTROL_BOOST
    return 1.0 + boost


def sentence_score(evidence: SentenceEvidence) -> float:
    """Score of one sentence (>= 0)."""
    base = decayed_sum(weight for _, weight in evidence.labour)
    score = base * co_occurrence_factor(evidence) + sum(evidence.counter_weights)
    return round(max(score, 0.0), 3)


def document_score(
    sentence_scores: Iterable[float], context: str, other_counters: Iterable[float] = ()
) -> float:
    """Score of a document from its sentence scores, where it is, and its other trap markers."""
    score = decayed_sum(sentence_scores) + DOCUMENT_COUNTER_SHARE * sum(other_counters)
    return round(max(float(score), 0.0) * _CONTEXT_FACTOR[context], 3)


def is_flagged(score: float) -> bool:
    """Whether a document score reaches the flagging threshold."""
    return score >= THRESHOLD
