"""`evidence evaluate --reviews`, missed evidence and slots on PostgreSQL: the labels of
tests/review_db.py recorded through the CLI give the same exact figures as on SQLite, and
`evidence db copy` carries marks and slots over unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db import transfer
from evidence.cli import main
from tests.pg.server import new_database
from tests.review_db import ids, record_labels
from tests.unit.test_review_measures import check_figures, check_report


def evaluate(db: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["evaluate", "--reviews", "--format", "json", "--db", db]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_evaluate_reviews_on_postgresql(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    record_labels(pg_url)
    check_figures(evaluate(pg_url, capsys))
    check_report(pg_url, capsys)
    docs, hits = ids(pg_url)
    assert main(["review", "--missed", str(docs["gov-a"]), "--note", "x", "--reviewer", "P",
                 "--db", pg_url]) == 2
    assert "is flagged by the detector" in capsys.readouterr().err
    hit_id = hits["和田地区有组织转移农村富余劳动力1200人。"]
    assert main(["show", str(hit_id), "--db", pg_url]) == 0
    assert "slots: who=农村富余劳动力; move=有组织转移; origin=和田地区" in capsys.readouterr().out


def test_copy_keeps_marks_and_slots(tmp_path: Path, pg_server: str,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("EVIDENCE_DATA_DIR", raising=False)
    source = str(tmp_path / "laptop.db")  # raw files in laptop-data/
    record_labels(source)
    monkeypatch.setenv("EVIDENCE_DATA_DIR", str(tmp_path / "server-data"))
    before = evaluate(source, capsys)
    check_figures(before)
    with new_database(pg_server) as target:
        assert main(["db", "copy", "--from", source, "--to", target, "--from-data",
                     str(tmp_path / "laptop-data")]) == 0
        tables = len(transfer.tables())  # every model table
        assert f"checksum ({tables} tables)" in capsys.readouterr().out
        assert evaluate(target, capsys) == before
        assert main(["hits", "--format", "json", "--db", target]) == 0
        copied = {h["sentence"]: h["slots"] for h in json.loads(capsys.readouterr().out)}
        assert copied["Hotan transferred 900 rural workers to factories."] == {
            "who": ["rural workers"], "move": ["transferred"]}
