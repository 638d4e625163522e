"""`evidence evaluate --reviews`: the deployment's precision and recall from analysts' labels.

The counting is db.measure's; this module names the detector and lexicon versions and renders
the figures as rich tables, JSON, and the short section of the morning report.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from db.engine import open_database, session_scope
from db.measure import ReviewMeasures, Tally, review_measures
from evidence.plain import add_row

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
    engine = open_database(db, create=False)
    try:
        with session_scope(engine) as session:
            return review_measures(session)
    finally:
        engine.dispose()


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


def _row(name: str, t: Tally) -> list[str]:
    return [name, str(t.hit_tp), str(t.hit_fp), ratio(t.hit_precision), str(t.doc_tp),
            str(t.doc_fp), ratio(t.doc_precision), str(t.missed), ratio(t.recall)]


def _table(title: str, rows: list[list[str]]) -> Table:
    table = Table("", "hits TP", "hits FP", "hit precision", "docs TP", "docs FP",
                  "doc precision", "missed", "recall", title=title)
    for row in rows:
        add_row(table, *row)
    return table


def print_measures(m: ReviewMeasures, out: Console) -> None:
    """Print the versions, the labels and one table per breakdown."""
    out.print(f"[bold]Review-based measures[/bold] ({escape(versions_line(m))})")
    if m.empty:
        out.print(NO_LABELS, markup=False)
        return
    out.print(f"Labels: {summary_line(m)}.", markup=False)
    out.print(_table("Overall", [_row("all", m.overall)]))
    for name in DIMENSIONS:
        rows = [_row(k, v) for k, v in getattr(m, f"by_{name}").items()]
        out.print(_table(f"By {name}", rows))
    out.print("TP/FP: confirmed/rejected; a document is TP with a confirmed hit, FP when its "
              "reviewed hits are all rejected; missed: marked by an analyst, still unflagged.",
              markup=False)
