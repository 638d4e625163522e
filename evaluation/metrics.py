"""Score a detector on labelled passages: document and sentence precision, recall and F1."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evaluation.corpus import Passage
from pipelines.text.types import Detection

if TYPE_CHECKING:  # the detector is passed in: importing the floors stays cheap (the CLI)
    from pipelines.text.detect import Detector

DOC_PRECISION_FLOOR = 0.90
DOC_RECALL_FLOOR = 0.95


@dataclass
class Counts:
    """True/false positives and negatives, with the usual ratios."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        """Count one decision."""
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        """TP / (TP + FP), or None when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """TP / (TP + FN), or None when there is nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall, when both exist."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Outcome:
    """The detector's verdict on one passage next to its labels."""

    passage: Passage
    detection: Detection
    gold_sentences: frozenset[tuple[int, int]]

    @property
    def predicted_sentences(self) -> frozenset[tuple[int, int]]:
        """Spans of the hit sentences."""
        return frozenset((hit.start, hit.end) for hit in self.detection.hits)


@dataclass
class Report:
    """Document and sentence counts overall, per split and per category, with the outcomes."""

    outcomes: list[Outcome]
    document: Counts = field(default_factory=Counts)
    sentence: Counts = field(default_factory=Counts)
    by_split: dict[str, Counts] = field(default_factory=dict)
    by_category: dict[str, Counts] = field(default_factory=dict)

    @property
    def false_positives(self) -> list[Outcome]:
        """Negatives the detector flagged."""
        return [o for o in self.outcomes if o.detection.flagged and not o.passage.positive]

    @property
    def false_negatives(self) -> list[Outcome]:
        """Positives the detector missed."""
        return [o for o in self.outcomes if o.passage.positive and not o.detection.flagged]

    def meets_floor(self) -> bool:
        """Whether document precision and recall reach the quality floor."""
        p, r = self.document.precision, self.document.recall
        if p is None or r is None:
            return False
        return p >= DOC_PRECISION_FLOOR and r >= DOC_RECALL_FLOOR


def _add_sentences(counts: Counts, outcome: Outcome) -> None:
    """Count sentence-level agreement of one passage."""
    gold, predicted = outcome.gold_sentences, outcome.predicted_sentences
    counts.tp += len(gold & predicted)
    counts.fp += len(predicted - gold)
    counts.fn += len(gold - predicted)


def evaluate(passages: Iterable[Passage], detector: Detector) -> Report:
    """Run the detector on every passage and count its agreement with the labels."""
    report = Report(outcomes=[])
    for passage in passages:
        detection = detector.detect(passage.text, region=passage.region)
        outcome = Outcome(passage, detection, passage.evidence_sentences())
        report.outcomes.append(outcome)
        flagged = outcome.detection.flagged
        for counts in (
            report.document,
            report.by_split.setdefault(passage.split, Counts()),
            report.by_category.setdefault(passage.category, Counts()),
        ):
            counts.add(flagged, passage.positive)
        _add_sentences(report.sentence, outcome)
    return report
