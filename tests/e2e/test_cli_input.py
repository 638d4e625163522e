"""Bad input gets a clear error: export never overwrites by surprise, --version says what runs,
detect skips what it cannot read (on stderr) and still does the rest, an empty search is refused."""

from __future__ import annotations

import json
import shutil
from importlib.metadata import version
from pathlib import Path

from db.engine import open_database
from pipelines.text.detect import DETECTOR_VERSION
from pipelines.text.extract import EXTRACTOR_VERSION
from pipelines.text.lexicon import load_lexicon
from tests.e2e.test_cli import ROOT, assert_one_line_error, run
from tests.review_db import PAGES, store_pages

OFFICE = ROOT / "tests" / "fixtures" / "office"
DEMO_PDF = ROOT / "demo/site/company/reports/files/tianhe-2022-csr.pdf"


def test_export_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    db = str(tmp_path / "e.db")
    open_database(db).dispose()
    target = tmp_path / "hits.csv"
    target.write_text("an analyst's notes\n", encoding="utf-8")
    assert_one_line_error(run("export", "-o", str(target), "--db", db), str(target), "--force")
    assert target.read_text(encoding="utf-8") == "an analyst's notes\n"
    forced = run("export", "-o", str(target), "--force", "--db", db)
    assert forced.returncode == 0, forced.stderr
    assert target.read_text(encoding="utf-8").startswith("id,url,title")
    fresh = run("export", "--format", "jsonl", "-o", str(tmp_path / "new.jsonl"), "--db", db)
    assert fresh.returncode == 0 and (tmp_path / "new.jsonl").exists(), fresh.stderr


def test_version_names_package_lexicon_extractor_and_detector() -> None:
    result = run("--version")
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert len(line.splitlines()) == 1
    for part in (version("evidence-pipeline"), f"lexicon {load_lexicon().version}",
                 f"extractor {EXTRACTOR_VERSION}", f"detector {DETECTOR_VERSION}"):
        assert part in line, line


def test_detect_reports_bad_files_on_stderr_and_processes_the_rest(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj <<")
    binary = tmp_path / "program"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    disguised = tmp_path / "image.txt"
    disguised.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    files = [OFFICE / "roster.docx", broken, binary, DEMO_PDF, disguised, tmp_path / "gone.html"]
    result = run("detect", *map(str, files))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 4, result.stderr
    for line, bad in zip(errors, (broken, binary, disguised, tmp_path / "gone.html"),
                         strict=True):
        assert line.startswith(f"evidence: error: {bad}: ") and line.endswith("(skipped)"), line
    assert "binary" in errors[1] and "binary" in errors[2] and "cannot read" in errors[3]
    assert "error" not in result.stdout and "PDFSyntaxError" not in result.stdout
    reports = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert [r.split(":")[0] for r in reports] == [str(OFFICE / "roster.docx"), str(DEMO_PDF)]
    assert all("FLAGGED" in r for r in reports)


def test_detect_reads_word_and_pdf_like_the_crawl(tmp_path: Path) -> None:
    files = [OFFICE / "roster.docx", DEMO_PDF]
    if shutil.which("antiword"):  # Word 97 needs it (tests/unit/test_office.py says so)
        files.append(OFFICE / "roster.doc")
    result = run("detect", *map(str, files), "--format", "json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert [r["file"] for r in found] == list(map(str, files))
    assert all(r["flagged"] and r["hits"] for r in found)
    assert "南疆" in found[0]["hits"][0]["sentence"]
    if len(found) == 3:  # .doc through antiword reads the same roster as the .docx
        assert found[2]["hits"] == found[0]["hits"]


def test_empty_search_is_refused_unless_all_with_a_filter(tmp_path: Path) -> None:
    db = str(tmp_path / "e.db")
    store_pages(db, PAGES)
    for query in ([""], ["  "], []):
        assert_one_line_error(run("search", *query, "--db", db), "empty search query", "--all")
    assert_one_line_error(run("search", "", "--all", "--db", db), "--all", "filter")
    listed = run("search", "--all", "--kind", "government", "--format", "json", "--db", db)
    assert listed.returncode == 0, listed.stderr
    results = json.loads(listed.stdout)["results"]
    assert results and {r["kind"] for r in results} == {"government"}
    words = run("search", "和田", "--format", "json", "--db", db)
    assert words.returncode == 0 and json.loads(words.stdout)["total"] >= 1, words.stderr
