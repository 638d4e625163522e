"""`evidence evaluate`: tables, JSON, the --check floor and one-line errors."""

import json
from pathlib import Path

import pytest

from evidence.cli import main

GOOD = """passages:
- {id: p1, split: dev, label: positive, category: transfer, genre: state_media,
   text: "和田地区有组织转移农村富余劳动力1200人到内地就业。", evidence: [有组织转移]}
- {id: n1, split: heldout, label: negative, category: rebuttal, genre: state_media,
   text: "所谓“强迫劳动”纯属谎言。"}
"""
MISSED = """passages:
- {id: p2, split: dev, label: positive, category: soft, genre: government,
   text: "做好稳岗工作。", evidence: [稳岗]}
"""


def _corpus(tmp_path: Path, body: str) -> str:
    path = tmp_path / "c.yml"
    path.write_text(body, encoding="utf-8")
    return str(path)


def test_text_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", _corpus(tmp_path, GOOD)]) == 0
    out = capsys.readouterr().out
    assert "2 passages (split: all)" in out and "Documents by category" in out
    assert "meets the floor" in out
    assert "False positives (flagged, labelled negative): 0" in out


def test_json_report_and_split(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", _corpus(tmp_path, GOOD), "--format", "json", "--split", "dev"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passages"] == 1 and report["meets_floor"] is True
    assert report["document"] == {"tp": 1, "fp": 0, "fn": 0, "tn": 0, "precision": 1.0,
                                  "recall": 1.0, "f1": 1.0}
    assert report["by_split"].keys() == {"dev"}


def test_check_fails_below_the_floor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _corpus(tmp_path, MISSED)
    assert main(["evaluate", corpus]) == 0
    assert main(["evaluate", corpus, "--check"]) == 1
    out = capsys.readouterr().out
    assert "does NOT meet the floor" in out and "p2 [soft] score" in out


def test_bad_corpus_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("evidence: error: ") and "no such corpus" in err
    assert len(err.strip().splitlines()) == 1
