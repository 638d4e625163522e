"""The command line as a user meets it: one-line errors, detect on files, scrapy list/crawl."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from db.engine import open_database, session_scope
from db.queries import counts
from demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "text"


def run(*args: str, env: dict[str, str] | None = None,
        tool: str = "evidence") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "evidence.cli"] if tool == "evidence" else [
        sys.executable, "-m", "scrapy"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=300)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("evidence: error:"), result.stderr
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in result.stdout + result.stderr


def test_bad_db_path_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(run("hits", "--db", str(tmp_path / "no" / "such" / "e.db")),
                          "no database")
    assert_one_line_error(run("crawl", "demo-gov", "--db", str(tmp_path / "no" / "e.db")),
                          "does not exist")
    assert_one_line_error(run("--db", str(tmp_path), "crawl", "demo-gov"), "directory")


def test_malformed_source_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "sources" / "government" / "broken.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("publisher: X\nkind: government\nlanguage: zh\nstart_urls: []\n"
                   "links: {article: {css: a}}\n", encoding="utf-8")
    env = {"EVIDENCE_SOURCES_DIR": str(tmp_path / "sources")}
    result = run("crawl", "--all", "--db", str(tmp_path / "e.db"), env=env)
    assert_one_line_error(result, str(bad), "field start_urls")
    assert_one_line_error(run("sources", env=env), "broken.yml")


def test_unknown_source_and_missing_hit(tmp_path: Path) -> None:
    assert_one_line_error(run("crawl", "nope", "--db", str(tmp_path / "e.db")), "nope")
    open_database(str(tmp_path / "e.db")).dispose()
    assert_one_line_error(run("show", "42", "--db", str(tmp_path / "e.db")), "no hit")


def test_detect_files_json() -> None:
    result = run("detect", str(FIXTURES / "gov_notice_gbk.html"),
                 str(ROOT / "demo/site/company/reports/files/tianhe-2022-csr.pdf"),
                 str(ROOT / "demo/site/company/reports/files/tianhe-2022-annual.pdf"),
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    gov, csr, annual = json.loads(result.stdout)
    assert gov["language"] == "zh" and "error" not in gov
    assert csr["flagged"] is True and annual["flagged"] is False and annual["hits"] == []
    hit = csr["hits"][0]
    assert {"terms", "categories", "sentence", "start", "end", "score"} <= hit.keys()
    assert "和田" in hit["sentence"]


def test_detect_text_file_and_bad_inputs(tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("今年以来，和田地区有组织转移农村富余劳动力1200人赴内地就业。",
                    encoding="utf-8")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj <<")
    result = run("detect", str(text), str(broken), str(tmp_path / "missing.html"),
                 "--format", "json")
    [ok] = json.loads(result.stdout)  # the bad files are skipped, named on standard error
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ok["flagged"] is True and ok["hits"][0]["start"] == 0
    bad_pdf, missing = result.stderr.strip().splitlines()
    assert bad_pdf.startswith(f"evidence: error: {broken}: ")
    assert bad_pdf.split(f"{broken}: ")[1].startswith(("broken PDF", "not a PDF", "empty PDF"))
    assert missing.startswith(f"evidence: error: {tmp_path / 'missing.html'}: cannot read")


def test_detect_region_anchors_a_notice_and_refuses_a_bad_one(tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("我县今年组织农村富余劳动力1500人赴内地企业务工，由乡镇干部带队。",
                      encoding="utf-8")
    plain = json.loads(run("detect", str(notice), "--format", "json").stdout)
    anchored = run("detect", str(notice), "--region", "墨玉县", "--format", "json")
    assert not plain[0]["flagged"] and json.loads(anchored.stdout)[0]["flagged"]
    bad = run("detect", str(notice), "--region", "Paris")
    assert bad.returncode == 2 and "--region" in bad.stderr and "Traceback" not in bad.stderr


def test_scrapy_list_shows_every_source() -> None:
    result = run("list", tool="scrapy")
    assert result.returncode == 0, result.stderr
    assert {"demo-company", "demo-gov", "demo-xinwen"} <= set(result.stdout.split())


def test_scrapy_crawl_one_source(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    with DemoServer() as server:
        env = {"EVIDENCE_DEMO_URL": server.url, "EVIDENCE_DB": str(db),
               "EVIDENCE_LOG_LEVEL": "WARNING"}
        result = run("crawl", "demo-gov", tool="scrapy", env=env)
    assert result.returncode == 0, result.stderr
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        found = counts(session)
    engine.dispose()
    assert found["documents"] == 10 and found["hits"] > 0  # 9 notices, 1 Word attachment
