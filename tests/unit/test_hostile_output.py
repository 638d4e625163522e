"""Hostile text in the database, shown and exported by the CLI: Rich markup in a page or a
review note is printed as text (it used to stop `evidence hits` and `evidence review` with a
MarkupError), and every CSV quotes cells that a spreadsheet would run as formulas (OWASP: a
leading single quote) while JSON Lines keep the text as stored."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from evidence.cli import main
from evidence.services.export import safe_cell
from tests.hostile_text import (
    FORMULA_SENTENCE,
    MARKUP_SENTENCE,
    MINUS_SENTENCE,
    ORIGIN,
    PUBLISHER,
    TITLE,
    store_hostile_text,
)
from tests.review_db import ids

NOTE = "=2+3 [/bold] see the second paragraph"
REVIEWER = "[/i]Eve"


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "hostile.db")
    store_hostile_text(path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run `evidence ARGV`; it must succeed; return its standard output."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "MarkupError" not in err
    return out


def test_markup_in_stored_text_is_printed_as_text(
        db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, hits = ids(db)
    hit = hits[MARKUP_SENTENCE]
    assert "[/bold]" in run(capsys, "hits", "--db", db)  # the sentence's and the publisher's
    shown = run(capsys, "show", str(hit), "--db", db)
    assert MARKUP_SENTENCE in shown and TITLE in shown
    assert "[/bold]" in run(capsys, "search", "转移", "--db", db)
    run(capsys, "review", str(hit), "--status", "confirmed", "--note", NOTE,
        "--reviewer", REVIEWER, "--db", db)
    listed = run(capsys, "review", "--status", "confirmed", "--db", db)
    assert "=2+3 [/bold]" in listed and REVIEWER in listed
    assert NOTE in run(capsys, "review", str(hit), "--db", db)


def test_markup_in_missed_evidence_marks_is_printed_as_text(
        db: str, capsys: pytest.CaptureFixture[str]) -> None:
    docs, _ = ids(db)
    run(capsys, "review", "--missed", str(docs["t2"]), "--note", NOTE, "--category",
        "transfer", "--reviewer", REVIEWER, "--db", db)
    listed = run(capsys, "review", "--status", "missed", "--db", db)
    assert "=2+3 [/bold]" in listed and REVIEWER in listed and "[/i]" in listed


def test_cells_starting_like_formulas_get_a_leading_quote() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert [safe_cell(v) for v in ("和田", "a=b", " =x", 3, -1.5, None)] == \
        ["和田", "a=b", " =x", 3, -1.5, None]


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _check_hit_rows(rows: list[dict[str, str]]) -> None:
    """The hostile cells quoted, the rest unchanged."""
    sentences = {r["sentence"] for r in rows}
    assert {f"'{FORMULA_SENTENCE}", f"'{MINUS_SENTENCE}", MARKUP_SENTENCE} <= sentences
    assert {r["title"] for r in rows} == {f"'{TITLE}"}
    assert {r["origin"] for r in rows} == {f"'{ORIGIN.split('(')[0]}"}
    assert {r["publisher"] for r in rows} == {PUBLISHER}
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
               for r in rows for cell in r.values())


def test_every_csv_export_neutralises_formulas_and_jsonl_stays_raw(
        db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, hits = ids(db)
    run(capsys, "review", str(hits[FORMULA_SENTENCE]), "--status", "confirmed", "--note", NOTE,
        "--reviewer", "Analyst", "--db", db)
    _check_hit_rows(_csv_rows(run(capsys, "export", "--format", "csv", "--db", db)))
    _check_hit_rows(_csv_rows(run(capsys, "hits", "--format", "csv", "--db", db)))
    reviewed = _csv_rows(run(capsys, "review", "--status", "confirmed", "--format", "csv",
                             "--db", db))
    assert [r["review_note"] for r in reviewed] == [f"'{NOTE}"]
    raw = [json.loads(line) for line in
           run(capsys, "export", "--format", "jsonl", "--db", db).splitlines()]
    assert {h["title"] for h in raw} == {TITLE}
    assert FORMULA_SENTENCE in {h["sentence"] for h in raw}
    assert NOTE in {h["review_note"] for h in raw}


def test_missed_marks_csv_and_evidence_pack_neutralise_formulas(
        db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, _ = ids(db)
    run(capsys, "review", "--missed", str(docs["t2"]), "--note", NOTE, "--reviewer", "A",
        "--db", db)
    marks = _csv_rows(run(capsys, "review", "--status", "missed", "--format", "csv",
                          "--db", db))
    assert [m["note"] for m in marks] == [f"'{NOTE}"]
    pack = tmp_path / "pack.zip"
    run(capsys, "pack", "--source", "hostile-text", "-o", str(pack), "--db", db)
    with zipfile.ZipFile(pack) as archive:
        _check_hit_rows(_csv_rows(archive.read("hits.csv").decode("utf-8")))
        captures = _csv_rows(archive.read("captures.csv").decode("utf-8"))
        jsonl = archive.read("hits.jsonl").decode("utf-8")
    assert captures and all(c["url"].startswith("http://") for c in captures)
    assert json.dumps(TITLE, ensure_ascii=False) in jsonl
