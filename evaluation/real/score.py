"""Score the detector on the real development set: `python evaluation/real/score.py DIR`.

The rows (evaluation/real/*.csv: id, url, query, label, language, script, genre, split,
construction) are ours; the page excerpts they label are third-party text and are never
committed. DIR holds one UTF-8 file per row, ``<id>.txt``: the excerpt as the `pages` search
returned it (evaluation/real/README.md says how to rebuild the folder).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from evaluation.metrics import Counts  # noqa: E402
from pipelines.text.detect import DETECTOR_VERSION, Detector  # noqa: E402
from pipelines.text.types import Detection  # noqa: E402

ROWS = Path(__file__).resolve().parent
FIELDS = ("id", "url", "query", "label", "language", "script", "genre", "split", "construction")


@dataclass(frozen=True)
class Row:
    """One labelled real page."""

    id: str
    url: str
    label: str
    language: str
    script: str
    genre: str
    split: str
    construction: str

    @property
    def positive(self) -> bool:
        """Whether the page describes a Xinjiang labour transfer."""
        return self.label == "positive"


def load_rows(folder: Path = ROWS) -> list[Row]:
    """Every row of every CSV file in ``folder``, checked for its fields and unique ids."""
    rows: list[Row] = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for number, record in enumerate(csv.DictReader(handle), start=2):
                missing = [f for f in FIELDS if not (record.get(f) or "").strip()]
                if missing or record["label"] not in ("positive", "negative"):
                    raise SystemExit(f"{path.name}:{number}: bad row (missing {missing})")
                rows.append(Row(*(record[f].strip() for f in (
                    "id", "url", "label", "language", "script", "genre", "split",
                    "construction"))))
    ids = [row.id for row in rows]
    if len(ids) != len(set(ids)):
        raise SystemExit("duplicate ids in evaluation/real/*.csv")
    return rows


def _count(pairs: Iterable[tuple[Row, Detection]]) -> Counts:
    """Document-level counts of (row, detection) pairs."""
    counts = Counts()
    for row, detection in pairs:
        if detection.flagged and row.positive:
            counts.tp += 1
        elif detection.flagged:
            counts.fp += 1
        elif row.positive:
            counts.fn += 1
        else:
            counts.tn += 1
    return counts


def _ratio(value: float | None) -> str:
    return "  –  " if value is None else f"{value:.3f}"


def _line(name: str, counts: Counts) -> str:
    total = counts.tp + counts.fp + counts.fn + counts.tn
    return (f"{name:<22} n={total:<4} pos={counts.tp + counts.fn:<4} TP={counts.tp:<4} "
            f"FP={counts.fp:<3} FN={counts.fn:<3} P={_ratio(counts.precision)} "
            f"R={_ratio(counts.recall)}")


def _groups(results: list[tuple[Row, Detection]], key: str) -> dict[str, Counts]:
    """Counts by one row attribute."""
    values = sorted({getattr(row, key) for row, _ in results})
    return {v: _count(p for p in results if getattr(p[0], key) == v) for v in values}


def run(folder: Path, split: str) -> list[tuple[Row, Detection]]:
    """Detect every chosen row's excerpt (a missing excerpt file is an error)."""
    detector = Detector()
    results = []
    for row in load_rows():
        if split != "all" and row.split != split:
            continue
        path = folder / f"{row.id}.txt"
        if not path.is_file():
            raise SystemExit(f"{path}: no excerpt for row {row.id}")
        results.append((row, detector.detect(path.read_text(encoding="utf-8"))))
    return results


def main(argv: list[str] | None = None) -> int:
    """Print document precision and recall overall, by split, language, script and genre."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="folder of <id>.txt excerpts")
    parser.add_argument("--split", choices=["all", "dev", "heldout"], default="all")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    results = run(args.dir, args.split)
    overall = _count(results)
    if args.format == "json":
        json.dump({"detector": DETECTOR_VERSION, "pages": len(results),
                   "precision": overall.precision, "recall": overall.recall,
                   "errors": [{"id": r.id, "label": r.label, "score": d.score}
                              for r, d in results if d.flagged != r.positive]},
                  sys.stdout, indent=2)
        print()
        return 0
    print(f"detector {DETECTOR_VERSION}, {len(results)} pages (split: {args.split})")
    print(_line("all", overall))
    for key in ("split", "language", "script", "genre"):
        for value, counts in _groups(results, key).items():
            print(_line(f"{key}={value}", counts))
    for title, wrong in (("false positives", False), ("false negatives", True)):
        misses = [(r, d) for r, d in results if r.positive == wrong and d.flagged != wrong]
        print(f"\n{title}: {len(misses)}")
        for row, detection in misses:
            print(f"  {row.id} [{row.split} {row.genre}] score {detection.score}: "
                  f"{row.construction}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
