"""End to end: crawl a copy of the demo site twice with an edit, a deletion and a soft-404 between,
then check history, citations, the evidence pack and `evidence verify` (also after tampering).
Everything runs twice: on a SQLite file and on a real PostgreSQL (tests/pg/conftest.py)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from db.engine import open_database
from demo.server import DEMO_ORIGIN, SITE_ROOT, DemoServer
from tests.e2e.test_demo_crawl import evidence, free_port
from tests.pg.conftest import new_database, pg_server  # noqa: F401 - fixture

SLUGS = ["demo-xinwen", "demo-gov", "demo-company"]
EDITED = "/xinwen/202304/t20230418_123301.html"
DELETED = "/xinwen/202303/t20230322_122980.html"  # also dropped from its listing page
SOFT_404 = "/xinwen/202306/t20230605_124010.html"
SOFT_404_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>提示信息</title></head>"
                 "<body><div class=\"main\"><p>对不起，该信息已删除！</p>"
                 "<a href=\"/\">返回首页</a></div></body></html>")
WARCIO = [sys.executable, "-c", "import sys; from warcio.cli import main; sys.exit(main())"]


@dataclass
class Crawled:
    db: str  # a SQLite file or a postgresql:// URL
    data: Path
    base: str
    tmp: Path

    @property
    def env(self) -> dict[str, str]:
        """Where the raw captures are: beside a SQLite file, EVIDENCE_DATA_DIR for a server."""
        return {"EVIDENCE_DATA_DIR": str(self.data)}


def _crawl(site: Path, port: int, crawled: Crawled) -> None:
    with DemoServer(port=port, root=site) as server:
        # re-check every stored page with hits on each crawl (the default cadence is days)
        env = {"EVIDENCE_DEMO_URL": server.url, "EVIDENCE_RECHECK_DAYS": "0", **crawled.env}
        result = evidence("crawl", *SLUGS, "--db", crawled.db, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def _change_site(site: Path) -> None:
    edited = site / EDITED.lstrip("/")
    edited.write_bytes(edited.read_bytes().replace(b"38.6%", b"41.2%"))
    (site / DELETED.lstrip("/")).unlink()
    name = DELETED.rsplit("/", 1)[1]
    for listing in (site / "xinwen").glob("index*.html"):
        html = listing.read_text(encoding="utf-8")
        listing.write_text(re.sub(rf"<li>[^\n]*{name}[^\n]*</li>", "", html), encoding="utf-8")
    (site / SOFT_404.lstrip("/")).write_text(SOFT_404_PAGE, encoding="utf-8")


@contextmanager
def _database(backend: str, tmp: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        yield str(tmp / "evidence.db")
    else:
        with new_database(request.getfixturevalue("pg_server")) as url:
            yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def crawled(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("integrity")
    site = tmp / "site"
    shutil.copytree(SITE_ROOT, site)
    with _database(request.param, tmp, request) as db:
        port = free_port()
        crawled = Crawled(db, tmp / "evidence-data", DEMO_ORIGIN, tmp)
        _crawl(site, port, crawled)
        _change_site(site)
        _crawl(site, port, crawled)
        yield crawled


def run(crawled: Crawled, *args: str) -> subprocess.CompletedProcess[str]:
    return evidence(*args, "--db", crawled.db, env=crawled.env)


def sql(crawled: Crawled, query: str, **params: object) -> list[Any]:
    engine = open_database(crawled.db, create=False)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(query), params)
            return list(result.all()) if result.returns_rows else []
    finally:
        engine.dispose()


def test_history_shows_new_version_with_diff(crawled: Crawled) -> None:
    out = run(crawled, "history", crawled.base + EDITED)
    assert out.returncode == 0, out.stderr
    assert "Versions (2):" in out.stdout and "status live" in out.stdout
    sentence = "今年一季度，喀什地区有组织转移农村富余劳动力11.2万人，完成年度目标任务的{}。"
    assert "-" + sentence.format("38.6%") in out.stdout
    assert "+" + sentence.format("41.2%") in out.stdout


def test_history_shows_removals(crawled: Crawled) -> None:
    deleted = run(crawled, "history", crawled.base + DELETED)
    assert "status removed since" in deleted.stdout
    assert "live → removed (http_404)" in deleted.stdout
    soft = run(crawled, "history", crawled.base + SOFT_404)
    assert "live → removed (soft_404: 该信息已删除)" in soft.stdout
    assert "Versions (1):" in soft.stdout  # the "deleted" page is not a version of the article


def test_runs_and_report_count_the_change_and_removals(crawled: Crawled) -> None:
    runs = run(crawled, "runs")
    assert runs.returncode == 0, runs.stderr
    second = next(line for line in runs.stdout.splitlines() if line.startswith("│ 2 "))
    cells = [cell.strip() for cell in second.split("│")[1:-1]]
    assert cells[3] == "finished" and cells[9] == "1" and cells[10] == "2"  # +vers, gone
    report = run(crawled, "report", "--run", "2")
    assert crawled.base + DELETED in report.stdout and crawled.base + EDITED in report.stdout


def test_removed_page_was_only_linked_by_the_recheck(crawled: Crawled) -> None:
    rows = sql(crawled, "select run_id, http_status from captures where url = :u order by id",
               u=crawled.base + DELETED)
    assert [status for _, status in rows] == [200, 404]


def test_cite_notes_removal_and_archive(crawled: Crawled) -> None:
    [(hit_id,)] = sql(crawled, "select min(h.id) from hits h join documents d "
                               "on h.document_id = d.id where d.url = :u", u=crawled.base + DELETED)
    footnote = run(crawled, "cite", str(hit_id))
    assert footnote.returncode == 0, footnote.stderr
    assert "Page removed: first found gone" in footnote.stdout and "(http_404)" in footnote.stdout
    assert "WARC-Record-ID <urn:uuid:" in footnote.stdout
    assert "archived copy sha256:" in footnote.stdout
    bib = run(crawled, "cite", str(hit_id), "--style", "bibtex")
    assert bib.stdout.startswith(f"@misc{{hit{hit_id},") and "urldate = {" in bib.stdout
    csl = run(crawled, "cite", str(hit_id), "--style", "csl-json")
    assert '"archive_location": "<urn:uuid:' in csl.stdout and "Page removed" in csl.stdout


def test_crawl_warcs_pass_warcio_tools(crawled: Crawled) -> None:
    files = sorted((crawled.data / "warc").glob("*.warc.gz"))
    assert len(files) == 6  # one per (run, source)
    for path in files:
        check = subprocess.run([*WARCIO, "check", "-v", str(path)], capture_output=True, text=True)
        assert check.returncode == 0 and "digest pass" in check.stdout, check.stdout
        index = subprocess.run([*WARCIO, "index", str(path)], capture_output=True, text=True)
        assert index.returncode == 0 and '"warc-type": "response"' in index.stdout


def test_pack_contains_everything_and_manifest_checks_out(crawled: Crawled) -> None:
    target = crawled.tmp / "pack.zip"
    made = run(crawled, "pack", "--source", "demo-xinwen", "-o", str(target))
    assert made.returncode == 0, made.stderr
    folder = crawled.tmp / "pack"
    with zipfile.ZipFile(target) as archive:
        archive.extractall(folder)
    names = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert {"hits.csv", "hits.jsonl", "captures.csv", "citations.txt", "citations.bib",
            "citations.json", "warc/evidence.warc.gz", "VERIFY.txt", "MANIFEST.sha256"} <= names
    manifest = (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in manifest}
    assert set(listed) == names - {"MANIFEST.sha256"}
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    for raw in folder.glob("raw/*"):
        assert hashlib.sha256(raw.read_bytes()).hexdigest() == raw.name
    if shutil.which("sha256sum"):
        checked = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=folder,
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    warc = subprocess.run([*WARCIO, "check", "-v", "warc/evidence.warc.gz"], cwd=folder,
                          capture_output=True, text=True)
    assert warc.returncode == 0 and "digest pass" in warc.stdout
    assert "Page removed" in (folder / "citations.txt").read_text(encoding="utf-8")
    again = run(crawled, "pack", "--source", "demo-xinwen", "-o", str(target))
    assert again.returncode == 2 and "never overwritten" in again.stderr


def test_verify_passes_then_names_every_tampering(crawled: Crawled) -> None:
    clean = run(crawled, "verify")
    assert clean.returncode == 0, clean.stdout
    assert clean.stdout.rstrip().endswith(": OK")
    [(raw_path,)] = sql(crawled, "select raw_path from captures c join documents d on "
                                 "c.document_id = d.id where d.url = :u and c.version_id is not "
                                 "null order by c.id limit 1", u=crawled.base + EDITED)
    raw = crawled.data / str(raw_path)
    original = raw.read_bytes()
    try:
        raw.write_bytes(original[:100] + bytes([original[100] ^ 1]) + original[101:])
        altered = run(crawled, "verify")
        assert altered.returncode == 1 and f"raw: {raw}: altered" in altered.stdout
        raw.unlink()
        missing = run(crawled, "verify")
        assert missing.returncode == 1 and f"raw: {raw}: missing" in missing.stdout
    finally:
        raw.write_bytes(original)
    [(hit_id, sentence)] = sql(crawled, "select id, sentence from hits order by id limit 1")
    sql(crawled, "update hits set sentence = :s where id = :i", s="篡改" + str(sentence), i=hit_id)
    try:
        edited = run(crawled, "verify")
        assert edited.returncode == 1 and f"hit: hit {hit_id}: " in edited.stdout
    finally:
        sql(crawled, "update hits set sentence = :s where id = :i", s=sentence, i=hit_id)


def test_verify_reports_torn_final_warc_record(crawled: Crawled) -> None:
    path = sorted((crawled.data / "warc").glob("*.warc.gz"))[-1]
    original = path.read_bytes()
    try:
        with open(path, "ab") as handle:  # a crawl killed half-way through a record
            handle.write(original[:150])
        torn = run(crawled, "verify")
        assert torn.returncode == 0, torn.stdout
        assert f"warning: warc: {path} @{len(original)}: incomplete record" in torn.stdout
    finally:
        path.write_bytes(original)
