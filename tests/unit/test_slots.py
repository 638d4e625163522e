"""A hit's transfer-event slots: stored with the hit, shown by `show`, `hits --format json`,
`export`, `detect` and the bulk reprocessing path; empty slots show nothing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from db.bulk import StoredText, append_detections
from db.engine import open_database
from db.models import Hit as HitRow
from db.models import Version
from evidence.cli import main
from evidence.services.slots import format_slots
from pipelines.text.types import Detection, Hit
from tests.review_db import PAGES, ids, store_pages

WITH_SLOTS = "和田地区有组织转移农村富余劳动力1200人。"
WITHOUT_SLOTS = "务工人员实行集中管理。"
SLOTS = {"who": ["农村富余劳动力"], "move": ["有组织转移"], "origin": ["和田地区"]}


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "e.db")
    store_pages(path, PAGES)
    return path


def test_format_slots_keeps_the_detector_order() -> None:
    assert format_slots(SLOTS) == "who=农村富余劳动力; move=有组织转移; origin=和田地区"
    assert format_slots({"figure": ["1200人", "3.1万人次"], "control": []}) == \
        "figure=1200人, 3.1万人次; control"
    assert format_slots({}) == ""


def test_slots_come_back_in_hits_show_and_export(db: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _, hits = ids(db)
    capsys.readouterr()
    assert main(["hits", "--format", "json", "--db", db]) == 0
    by_sentence = {h["sentence"]: h for h in json.loads(capsys.readouterr().out)}
    assert by_sentence[WITH_SLOTS]["slots"] == SLOTS
    assert list(by_sentence[WITH_SLOTS]["slots"]) == ["who", "move", "origin"]  # in order
    assert by_sentence[WITHOUT_SLOTS]["slots"] == {}

    assert main(["show", str(hits[WITH_SLOTS]), "--db", db]) == 0
    assert "slots: who=农村富余劳动力; move=有组织转移; origin=和田地区" in capsys.readouterr().out
    assert main(["show", str(hits[WITHOUT_SLOTS]), "--db", db]) == 0
    assert "slots" not in capsys.readouterr().out

    assert main(["export", "--format", "jsonl", "--db", db]) == 0
    exported = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {h["sentence"]: h["slots"] for h in exported}[WITH_SLOTS] == SLOTS
    assert main(["export", "--format", "csv", "--db", db]) == 0
    rows = {r["sentence"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows[WITH_SLOTS]["slots"] == format_slots(SLOTS)
    assert rows[WITHOUT_SLOTS]["slots"] == ""


def test_bulk_reprocessing_writes_slots(db: str) -> None:
    docs, _ = ids(db)
    sentence = "全县劳务输出工作会议召开。"  # gov-c's whole text
    hit = Hit(0, len(sentence), sentence, ("劳务输出",), ("dispatch",), (), 4.0, "L9",
              (("move", ("劳务输出",)), ("organiser", ("全县",))))
    engine = open_database(db, create=False)
    with engine.begin() as conn:
        version_id = conn.scalar(select(Version.id).where(Version.document_id == docs["gov-c"]))
        assert version_id is not None
        stored = StoredText(version_id, docs["gov-c"], sentence, "zh")
        detection = Detection("zh", "hans", 4.0, True, "L9", (hit,))
        assert append_detections(conn, [(stored, detection)], "test") == 1
        written = conn.scalar(select(HitRow.slots).where(HitRow.lexicon_version == "L9"))
    engine.dispose()
    assert json.loads(written or "") == {"move": ["劳务输出"], "organiser": ["全县"]}


def test_detect_prints_slots_as_json_and_one_line(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "notice.txt"
    page.write_text("今年以来，和田地区有组织转移农村富余劳动力1200人赴内地就业。",
                    encoding="utf-8")
    assert main(["detect", str(page), "--format", "json"]) == 0
    [result] = json.loads(capsys.readouterr().out)
    assert all(isinstance(h["slots"], dict) for h in result["hits"])
    assert main(["detect", str(page)]) == 0
    text = capsys.readouterr().out
    for hit in result["hits"]:  # whatever the detector fills: one line, only when it fired
        assert (f"    slots: {format_slots(hit['slots'])}\n" in text) == bool(hit["slots"])
    assert "slots: \n" not in text
