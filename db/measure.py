"""Review-based precision and recall: every deployment measures itself with its analysts' labels.

Labels are the newest decision on each *current* hit (hits superseded by reprocessing are left
out; their decisions were carried over to the same passage's new hit) and the newest
missed-evidence mark of each document (db/missed.py):

- hit level: a confirmed hit is a true positive, a rejected one a false positive
  (needs-translation and unreviewed hits are not labels);
- document level: a flagged document with a confirmed hit is a true positive; one whose
  confirmed-or-rejected hits are all rejected is a false positive;
- a document marked *missed* whose newest version is still unflagged is a false negative. One
  the detector has flagged since (after reprocessing) is counted apart (``found_since``): its
  hits' reviews now speak for it.

Recall = true-positive documents / (true-positive documents + missed documents). Every figure is
also broken down by source, language (of the text read), category (a hit's categories; a
document's from its deciding hits; a missed document's from the analyst's mark) and lexicon
version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from db.filters import Filter
from db.hits import HitView, iter_hits
from db.missed import MISSED, NOT_MISSED, MarkedDocument, marked_documents

NO_CATEGORY = "(none)"


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Tally:
    """Labelled counts of one group of hits and documents."""

    hit_tp: int = 0  # reviewed hits confirmed
    hit_fp: int = 0  # reviewed hits not confirmed (rejected)
    doc_tp: int = 0  # documents with a confirmed hit
    doc_fp: int = 0  # documents whose reviewed hits were none of them confirmed
    missed: int = 0  # documents marked missed that the detector still does not flag

    @property
    def hit_precision(self) -> float | None:
        """Confirmed hits / reviewed (confirmed or rejected) hits."""
        return _ratio(self.hit_tp, self.hit_tp + self.hit_fp)

    @property
    def doc_precision(self) -> float | None:
        """True-positive documents / labelled flagged documents."""
        return _ratio(self.doc_tp, self.doc_tp + self.doc_fp)

    @property
    def recall(self) -> float | None:
        """True-positive documents / (those + documents marked missed)."""
        return _ratio(self.doc_tp, self.doc_tp + self.missed)


@dataclass
class ReviewMeasures:
    """Precision and recall from analysts' decisions, overall and by group."""

    overall: Tally = field(default_factory=Tally)
    by_source: dict[str, Tally] = field(default_factory=dict)
    by_language: dict[str, Tally] = field(default_factory=dict)
    by_category: dict[str, Tally] = field(default_factory=dict)
    by_lexicon: dict[str, Tally] = field(default_factory=dict)
    needs_translation: int = 0  # current hits whose newest decision is needs-translation
    found_since: int = 0  # documents marked missed that the detector flags now
    withdrawn: int = 0  # documents whose missed mark was withdrawn (not-missed)

    @property
    def empty(self) -> bool:
        """No labels at all: nothing confirmed, rejected or marked missed."""
        t = self.overall
        return not (t.hit_tp or t.hit_fp or t.missed or self.found_since)

    @property
    def lexicon_versions(self) -> list[str]:
        """Lexicon versions of the labelled hits and missed documents, sorted."""
        return sorted(self.by_lexicon)

    def tallies(self, groups: Mapping[str, Iterable[str]]) -> list[Tally]:
        """The overall tally and each group's (created when new) named in ``groups``."""
        found = [self.overall]
        for dimension, keys in groups.items():
            table: dict[str, Tally] = getattr(self, f"by_{dimension}")
            found += [table.setdefault(key, Tally()) for key in dict.fromkeys(keys)]
        return found


def _count_hits(measures: ReviewMeasures, hits: list[HitView]) -> None:
    for hit in hits:
        groups = {"source": [hit.source], "language": [hit.language],
                  "category": hit.categories or [NO_CATEGORY], "lexicon": [hit.lexicon_version]}
        for tally in measures.tallies(groups):
            if hit.review_status == "confirmed":
                tally.hit_tp += 1
            else:
                tally.hit_fp += 1


def _count_documents(measures: ReviewMeasures, hits: list[HitView]) -> set[int]:
    """Count labelled flagged documents; return the true-positive ones."""
    by_document: dict[int, list[HitView]] = {}
    for hit in sorted(hits, key=lambda h: h.id):
        by_document.setdefault(hit.document_id, []).append(hit)
    positives = set()
    for document_id, group in by_document.items():
        confirmed = [h for h in group if h.review_status == "confirmed"]
        deciding = confirmed or group
        groups = {"source": [group[0].source], "language": [group[0].language],
                  "category": [c for h in deciding for c in h.categories] or [NO_CATEGORY],
                  "lexicon": [h.lexicon_version for h in deciding]}
        for tally in measures.tallies(groups):
            if confirmed:
                tally.doc_tp += 1
            else:
                tally.doc_fp += 1
        if confirmed:
            positives.add(document_id)
    return positives


def _count_missed(measures: ReviewMeasures, marks: list[MarkedDocument],
                  positives: set[int]) -> None:
    for marked in marks:
        if marked.flagged_now or marked.mark.document_id in positives:
            measures.found_since += 1
            continue
        groups = {"source": [marked.source], "language": [marked.language],
                  "category": [marked.mark.category or NO_CATEGORY],
                  "lexicon": [marked.mark.lexicon_version]}
        for tally in measures.tallies(groups):
            tally.missed += 1


def _labelled_hits(session: Session) -> list[HitView]:
    """Current hits whose newest decision is confirmed or rejected."""
    return [hit for status in ("confirmed", "rejected")
            for hit in iter_hits(session, f=Filter(review=status))]


def review_measures(session: Session) -> ReviewMeasures:
    """Count every analyst label in the database into precision and recall."""
    measures = ReviewMeasures()
    hits = _labelled_hits(session)
    _count_hits(measures, hits)
    positives = _count_documents(measures, hits)
    _count_missed(measures, marked_documents(session, MISSED), positives)
    measures.needs_translation = sum(
        1 for _ in iter_hits(session, f=Filter(review="needs_translation")))
    measures.withdrawn = len(marked_documents(session, NOT_MISSED))
    for name in ("by_source", "by_language", "by_category", "by_lexicon"):
        setattr(measures, name, dict(sorted(getattr(measures, name).items())))
    return measures
