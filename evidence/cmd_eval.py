"""`evidence evaluate`: precision, recall and F1 of the detector on the labelled corpus, or
(``--reviews``) of this deployment from its analysts' review decisions
(evidence/services/measures.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluation.corpus import DEFAULT_CORPUS, SPLITS, CorpusError, load_corpus
from evaluation.metrics import (
    DOC_PRECISION_FLOOR,
    DOC_RECALL_FLOOR,
    Counts,
    Outcome,
    Report,
    evaluate,
)
from evidence.services.errors import UserError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `evaluate` command."""
    p = sub.add_parser("evaluate", parents=[common],
                       help="score the detector on the labelled evaluation corpus")
    p.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS,
                   help="corpus directory or .yml file (default: the bundled evaluation/corpus)")
    p.add_argument("--split", choices=["all", *SPLITS], default="all",
                   help="evaluate one split only (heldout was not used for tuning)")
    p.add_argument("--lexicon", type=Path, help="lexicon directory or file (default: bundled)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--check", action="store_true",
                   help=f"exit 1 unless document precision >= {DOC_PRECISION_FLOOR} "
                        f"and recall >= {DOC_RECALL_FLOOR}")
    p.add_argument("--reviews", action="store_true",
                   help="measure the database (--db) instead: precision from confirmed and "
                        "rejected hits, recall from documents marked as missed evidence")
    p.set_defaults(func=evaluate_command)


def reviews_command(args: argparse.Namespace) -> int:
    """Print the deployment's precision and recall from its review decisions."""
    from rich.console import Console

    from evidence.measures_table import print_measures
    from evidence.services.measures import load_measures
    from evidence.services.measures import to_json as measures_json

    if args.corpus != DEFAULT_CORPUS or args.split != "all" or args.lexicon or args.check:
        raise UserError("--reviews measures the database's review decisions: a corpus, "
                        "--split, --lexicon or --check apply to the labelled corpus only")
    measures = load_measures(args.db)
    if args.format == "json":
        json.dump(measures_json(measures), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_measures(measures, Console(highlight=False, soft_wrap=True))
    return 0


def evaluate_command(args: argparse.Namespace) -> int:
    """Run the detector on the corpus and print the scores, false positives and negatives."""
    if args.reviews:
        return reviews_command(args)
    from pipelines.text.detect import Detector
    from pipelines.text.lexicon import LexiconError, load_lexicon

    try:
        passages = load_corpus(args.corpus)
        detector = Detector(load_lexicon(args.lexicon) if args.lexicon else None)
    except (CorpusError, LexiconError) as exc:
        raise UserError(str(exc)) from None
    chosen = [p for p in passages if args.split in ("all", p.split)]
    report = evaluate(chosen, detector)
    if args.format == "json":
        json.dump(to_json(report, detector.lexicon.version), sys.stdout, ensure_ascii=False,
                  indent=2)
        print()
    else:
        print_report(report, detector.lexicon.version, args.split)
    return 1 if args.check and not report.meets_floor() else 0


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _counts_row(name: str, counts: Counts) -> list[str]:
    total = counts.tp + counts.fp + counts.fn + counts.tn
    numbers = [total, counts.tp + counts.fn, counts.tp, counts.fp, counts.fn]
    ratios = [counts.precision, counts.recall, counts.f1]
    return [name, *map(str, numbers), *map(_ratio, ratios)]


def _table(title: str, rows: list[list[str]]) -> Table:
    from rich.table import Table

    columns = ("items", "positives", "TP", "FP", "FN", "precision", "recall", "F1")
    table = Table("", *columns, title=title)
    for row in rows:
        table.add_row(*row)
    return table


def print_report(report: Report, version: str, split: str) -> None:
    """Print the scores as tables, then every false positive and false negative."""
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=True)
    out.print(f"[bold]{len(report.outcomes)} passages[/bold] (split: {split}), "
              f"lexicon {version}")
    rows = [_counts_row("documents", report.document), _counts_row("sentences", report.sentence)]
    rows += [_counts_row(f"documents, {name}", c) for name, c in sorted(report.by_split.items())]
    out.print(_table("Overall", rows))
    out.print(_table("Documents by category", [
        _counts_row(name, counts) for name, counts in sorted(report.by_category.items())
    ]))
    verdict = "meets" if report.meets_floor() else "does NOT meet"
    out.print(f"Document level {verdict} the floor (precision >= {DOC_PRECISION_FLOOR}, "
              f"recall >= {DOC_RECALL_FLOOR}).")
    _print_outcomes(out, "False positives (flagged, labelled negative)", report.false_positives)
    _print_outcomes(out, "False negatives (missed, labelled positive)", report.false_negatives)


def _print_outcomes(out: Console, title: str, outcomes: list[Outcome]) -> None:
    out.print(f"\n[bold]{title}: {len(outcomes)}[/bold]")
    for outcome in outcomes:
        passage, detection = outcome.passage, outcome.detection
        out.print(f"  {passage.id} [{passage.category}] score {detection.score:.2f}", markup=False)
        text = passage.text.replace("\n", " ")
        out.print(f"    {text[:120]}{'…' if len(text) > 120 else ''}", markup=False)


def _counts_json(counts: Counts) -> dict[str, Any]:
    return {"tp": counts.tp, "fp": counts.fp, "fn": counts.fn, "tn": counts.tn,
            "precision": counts.precision, "recall": counts.recall, "f1": counts.f1}


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {"id": outcome.passage.id, "category": outcome.passage.category,
            "score": outcome.detection.score, "text": outcome.passage.text}


def to_json(report: Report, version: str) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    return {
        "lexicon_version": version,
        "passages": len(report.outcomes),
        "document": _counts_json(report.document),
        "sentence": _counts_json(report.sentence),
        "by_split": {k: _counts_json(v) for k, v in sorted(report.by_split.items())},
        "by_category": {k: _counts_json(v) for k, v in sorted(report.by_category.items())},
        "meets_floor": report.meets_floor(),
        "false_positives": [_outcome_json(o) for o in report.false_positives],
        "false_negatives": [_outcome_json(o) for o in report.false_negatives],
    }
