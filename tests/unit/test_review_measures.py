"""`evidence evaluate --reviews` and missed evidence on SQLite, end to end through the CLI: a
small evidence base, labels recorded with `evidence review`, exact precision and recall with
their breakdowns, the morning report's figures, and the refusals of the missed-evidence action.
tests/pg/test_review_measures_pg.py runs the same on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from evidence.cli import main
from evidence.services.measures import NO_LABELS, detector_version
from tests.review_db import EXPECTED, PAGES, ids, record_labels, review, store_pages

ROOT = Path(__file__).resolve().parents[2]
HEADLINE = ("Figures: precision 0.600 (hits, 3/5), 0.750 (documents, 3/4); "
            "recall 0.429 (documents, 3/7).")


def evaluate_json(db: str) -> dict[str, Any]:
    """`evidence evaluate --reviews --format json` as its own process."""
    result = subprocess.run([sys.executable, "-m", "evidence.cli", "evaluate", "--reviews",
                             "--format", "json", "--db", db], capture_output=True, text=True,
                            cwd=ROOT, env=dict(os.environ), timeout=120)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def check_figures(data: dict[str, Any]) -> None:
    """The exact figures of tests/review_db.py's labels."""
    assert data["detector_version"] == detector_version()
    assert data["message"] is None
    for key, value in EXPECTED.items():
        assert data[key] == value, key


def check_report(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The morning report of the first run: the review figures and the hits' slots."""
    assert main(["report", "--run", "1", "--db", db]) == 0
    report = capsys.readouterr().out
    section = report.split("## Review figures (every decision to date)")[1].split("## ")[0]
    assert f"- Detector and lexicon: detector {detector_version()}; lexicon L1, L2." in section
    assert f"- {HEADLINE}" in section
    assert "- gov: hit precision 0.333, document precision 0.500, recall 0.333" in section
    assert "- news-en: hit precision 1.000, document precision 1.000, recall 0.500" in section
    assert "— slots: who=农村富余劳动力; move=有组织转移; origin=和田地区" in report
    lines = report.splitlines()
    assert all("slots:" not in line for line in lines if "务工人员实行集中管理" in line)
    assert all(line.endswith("— slots: who=rural workers; move=transferred")
               for line in lines if "Hotan transferred" in line)
    assert main(["report", "--run", "1", "--format", "html", "--db", db]) == 0
    assert HEADLINE in capsys.readouterr().out


def test_evaluate_reviews_counts_every_label(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "e.db")
    record_labels(db)
    capsys.readouterr()
    check_figures(evaluate_json(db))
    assert main(["evaluate", "--reviews", "--db", db]) == 0
    text = capsys.readouterr().out
    assert f"detector {detector_version()}; lexicon L1, L2" in text
    assert "3 hits confirmed, 2 rejected (1 need translation); 4 documents marked missed " \
           "(1 flagged since, 1 marks withdrawn)" in text
    for title in ("Overall", "By source", "By language", "By category", "By lexicon"):
        assert title in text
    check_report(db, capsys)


def test_missed_marks_are_listed_and_refused_when_not_labels(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "e.db")
    record_labels(db)
    docs, _ = ids(db)
    capsys.readouterr()
    assert review(db, "--status", "missed", "--format", "json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["document_id"], r["category"], r["flagged_now"]) for r in listed] == [
        (docs["gov-c"], "transfer", False), (docs["gov-d"], "organised_transfer", False),
        (docs["en-b"], None, False), (docs["news-d"], "soft", False),
        (docs["news-e"], "transfer", True)]
    assert listed[0]["note"] == "gov-c: 第一段" and listed[0]["lexicon_version"] == "L1"
    assert review(db, "--status", "not-missed", "--format", "csv") == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 2 and rows[1].startswith(f"{docs['news-c']},")
    refusals = [
        (["--missed", str(docs["gov-a"]), "--note", "x"], "is flagged by the detector"),
        (["--missed", str(docs["news-c"])], "needs a note"),
        (["--not-missed", str(docs["gov-b"])], "is not marked as missed evidence"),
        (["--missed", "999", "--note", "x"], "no document with id 999"),
        (["--missed", str(docs["news-c"]), "--note", "x", "--category", "a b?"],
         "not a category name"),
        (["1", "--missed", str(docs["news-c"]), "--note", "x"], "give no hit id"),
        (["1", "--status", "confirmed", "--category", "transfer"], "goes with --missed"),
    ]
    for args, message in refusals:
        assert review(db, *args) == 2, args
        assert message in capsys.readouterr().err, args
    assert main(["evaluate", "--reviews", "--split", "dev", "--db", db]) == 2
    assert "apply to the labelled corpus only" in capsys.readouterr().err


def test_no_reviews_is_a_clear_message(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "e.db")
    store_pages(db, PAGES)
    capsys.readouterr()
    assert main(["evaluate", "--reviews", "--db", db]) == 0
    assert NO_LABELS in capsys.readouterr().out.replace("\n", " ")
    data = evaluate_json(db)
    assert data["message"] == NO_LABELS and data["overall"]["documents"]["recall"] is None
    assert data["labels"]["hits_confirmed"] == 0 and data["by_source"] == {}
    assert main(["report", "--db", db]) == 0
    assert "- No review decisions recorded yet." in capsys.readouterr().out
