"""`evidence evaluate --reviews`: the deployment's precision and recall from analysts' labels.

The counting is db.measure's; this module names the detector and lexicon versions and words
the figures as JSON and as the lines of the morning report (evidence/measures_table.py prints
them as tables).
"""

from __future__ import annotations

from typing import Any

from db.measure import ReviewMeasures, Tally, review_measures
from evidence.services.database import database_session

NO_LABELS = ("No review decisions recorded yet: confirm or reject hits (`evidence review HIT "
             "--status confirmed|rejected`) and mark documents the detector missed "
             "(`evidence review --missed DOC --note …`) to measure this deployment.")
DIMENSIONS = ("source", "language", "category", "lexicon")


def detector_version() -> str:
    """The running detector's version (pipelines.text.detect.DETECTOR_VERSION)."""
    from pipelines.text.detect import DETECTOR_VERSION

    return DETECTOR_VERSION


def load_measures(db: str | None) -> ReviewMeasures:
    """Count every label in the database named by ``db``."""
    with database_session(db) as session:
        return review_measures(session)


def _tally_json(t: Tally) -> dict[str, Any]:
    return {"hits": {"tp": t.hit_tp, "fp": t.hit_fp, "precision": t.hit_precision},
            "documents": {"tp": t.doc_tp, "fp": t.doc_fp, "missed": t.missed,
                          "precision": t.doc_precision, "recall": t.recall}}


def labels(m: ReviewMeasures) -> dict[str, int]:
    """How many labels of each kind the figures rest on."""
    t = m.overall
    return {"hits_confirmed": t.hit_tp, "hits_rejected": t.hit_fp,
            "hits_needs_translation": m.needs_translation, "documents_confirmed": t.doc_tp,
            "documents_rejected": t.doc_fp, "documents_missed": t.missed,
            "missed_found_since": m.found_since, "missed_withdrawn": m.withdrawn}


def to_json(m: ReviewMeasures) -> dict[str, Any]:
    """The measures as a JSON-ready dict (with a message when there are no labels)."""
    data: dict[str, Any] = {"detector_version": detector_version(),
                            "lexicon_versions": m.lexicon_versions, "labels": labels(m),
                            "overall": _tally_json(m.overall)}
    for name in DIMENSIONS:
        data[f"by_{name}"] = {k: _tally_json(v) for k, v in getattr(m, f"by_{name}").items()}
    data["message"] = NO_LABELS if m.empty else None
    return data


def ratio(value: float | None) -> str:
    """A ratio with three decimals, or – when undefined."""
    return "–" if value is None else f"{value:.3f}"


def versions_line(m: ReviewMeasures) -> str:
    """'detector events-1; lexicon 2026.11.2, 2026.12.1' (the hits' lexicon versions)."""
    lexicons = ", ".join(m.lexicon_versions) or "none"
    return f"detector {detector_version()}; lexicon {lexicons}"


def summary_line(m: ReviewMeasures) -> str:
    """One sentence: the labels behind the figures."""
    n = labels(m)
    return (f"{n['hits_confirmed']} hits confirmed, {n['hits_rejected']} rejected "
            f"({n['hits_needs_translation']} need translation); {n['documents_missed']} "
            f"documents marked missed ({n['missed_found_since']} flagged since, "
            f"{n['missed_withdrawn']} marks withdrawn)")


def headline(m: ReviewMeasures) -> str:
    """Precision (hits, documents) and recall in one line."""
    t = m.overall
    return (f"precision {ratio(t.hit_precision)} (hits, {t.hit_tp}/{t.hit_tp + t.hit_fp}), "
            f"{ratio(t.doc_precision)} (documents, {t.doc_tp}/{t.doc_tp + t.doc_fp}); "
            f"recall {ratio(t.recall)} (documents, {t.doc_tp}/{t.doc_tp + t.missed})")
