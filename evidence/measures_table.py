"""The deployment's review measures as rich tables (`evidence evaluate --reviews`)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from db.measure import ReviewMeasures, Tally
from evidence.plain import add_row
from evidence.services.measures import DIMENSIONS, NO_LABELS, ratio, summary_line, versions_line


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
