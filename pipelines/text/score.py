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
       not tied to transfers), a figure such as "1200人" (0.3), and control or political
       indicators such as 集中管理 or 国语培训 (0.4).
    3. Counter terms (trap markers such as 产能转移, 拾花工, 谎言; negative weights) are added.
    4. The result is floored at 0.

Document score
    The sentence scores, highest first, combined as s1 + s2/2 + s3/4 + ... (so the score is at
    most twice the best sentence), times ``NO_XINJIANG_DAMPING`` when the document mentions no
    Xinjiang place and no lexicon company anywhere (labour transfer in Sichuan is not evidence).
    The document is flagged iff its score is at least ``THRESHOLD``: a lone transfer term next to
    a place is not enough; a transfer with a figure, an organised transfer, or a transfer
    discussed in two sentences is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

THRESHOLD = 5.0
DECAY = 0.5
NO_XINJIANG_DAMPING = 0.25
COMPANY_BOOST = 0.4
UNTIED_COMPANY_BOOST = 0.2
FIGURE_BOOST = 0.3
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
CONTROL_CATEGORIES = frozenset(("control", "political"))


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


def document_score(sentence_scores: Iterable[float], xinjiang_context: bool) -> float:
    """Score of a document from its sentence scores."""
    score = decayed_sum(sentence_scores)
    if not xinjiang_context:
        score *= NO_XINJIANG_DAMPING
    return round(float(score), 3)


def is_flagged(score: float) -> bool:
    """Whether a document score reaches the flagging threshold."""
    return score >= THRESHOLD
