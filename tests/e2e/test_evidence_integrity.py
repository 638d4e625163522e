"""End to end: crawl a copy of the demo site twice with an edit, a deletion and a soft-404 between,
then check history, citations, the evidence pack and `evidence verify` (also after tampering,
and after forging rows by hand with SQL in a copy of the database).
Everything runs twice: on a SQLite file and on a real PostgreSQL (the pg_server fixture)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.engine import open_database
from demo.server import DEMO_ORIGIN, SITE_ROOT, DemoServer
from tests.cli import evidence
from tests.pg.server import admin_url, new_database
from tests.ports import free_port

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


# --- forged evidence: rows edited, deleted or added by hand with SQL, around the storage layer


@contextmanager
def forgery_copy(crawled: Crawled, request: pytest.FixtureRequest) -> Iterator[Crawled]:
    """A copy of the crawled database to forge in (the raw files and WARCs are shared)."""
    if "://" not in crawled.db:
        folder = Path(tempfile.mkdtemp(prefix="forged-", dir=crawled.tmp))
        for suffix in ("", "-wal", "-shm"):
            if Path(crawled.db + suffix).exists():
                shutil.copy(crawled.db + suffix, folder / (Path(crawled.db).name + suffix))
        yield replace(crawled, db=str(folder / Path(crawled.db).name))
        return
    admin, name = admin_url(request.getfixturevalue("pg_server")), f"forged_{uuid.uuid4().hex}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(crawled.db).database}"')
    try:
        yield replace(crawled, db=make_url(crawled.db).set(database=name)
                      .render_as_string(hide_password=False))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def a_cited_hit(crawled: Crawled) -> dict[str, Any]:
    """Ids of a hit found in its version's own text, and of its version, document, capture."""
    [row] = sql(crawled, "SELECT h.id, h.version_id, h.document_id, v.first_capture_id, h.start,"
                         " h.\"end\", h.sentence FROM hits h JOIN versions v ON v.id = "
                         "h.version_id WHERE h.extraction_id IS NULL ORDER BY h.id LIMIT 1")
    return dict(zip(("hit", "version", "document", "capture", "start", "end", "sentence"), row,
                    strict=True))


ALTERED = "MISMATCH log: {} row {{{}}}: altered after it was stored"
FORGERIES = {  # what is forged: (SQL run by hand, what verify's output must say)
    "hit score": ("UPDATE hits SET score = score + 3 WHERE id = :hit",
                  [ALTERED.format("hits", "hit")]),
    "hit categories": ("UPDATE hits SET categories = '[\"forced_labour\"]' WHERE id = :hit",
                       [ALTERED.format("hits", "hit")]),
    "hit deleted": ("DELETE FROM hits WHERE id = :hit", ["MISMATCH log: hits row {hit}: deleted"]),
    "hit added": ("INSERT INTO hits (id, version_id, document_id, start, \"end\", sentence, "
                  "terms, categories, companies, score, lexicon_version, extraction_id, slots) "
                  "SELECT 100000, version_id, document_id, start, \"end\", sentence, terms, "
                  "categories, companies, 9.5, 'forged', extraction_id, slots FROM hits "
                  "WHERE id = :hit", ["MISMATCH log: hits row 100000: not in the hash log"]),
    "version title": ("UPDATE versions SET title = '伪造的标题' WHERE id = :version",
                      ["MISMATCH text: version {version}: not what the raw bytes give: title is "
                       "“伪造的标题”", ALTERED.format("versions", "version")]),
    "version date": ("UPDATE versions SET published_at = '2019-01-01' WHERE id = :version",
                     ["MISMATCH text: version {version}: not what the raw bytes give: "
                      "published_at is “2019-01-01”", ALTERED.format("versions", "version")]),
    "document url": ("UPDATE documents SET url = 'http://127.0.0.1:1/forged.html' "
                     "WHERE id = :document", [ALTERED.format("documents", "document")]),
    "access date": ("UPDATE captures SET fetched_at = '2019-01-01 08:00:00' WHERE id = :capture",
                    [ALTERED.format("captures", "capture")]),
    "log entry deleted": ("DELETE FROM hash_log WHERE id = (SELECT min(id) + 3 FROM hash_log)",
                          ["MISMATCH log: hash_log entry ", ": does not follow the entry before",
                           ": not in the hash log"]),
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_verify_names_each_forged_row(crawled: Crawled, request: pytest.FixtureRequest,
                                      forgery: str) -> None:
    statement, expected = FORGERIES[forgery]
    with forgery_copy(crawled, request) as copy:
        ids = a_cited_hit(copy)
        sql(copy, statement, **{k: v for k, v in ids.items() if f":{k}" in statement})
        out = run(copy, "verify")
    assert out.returncode == 1, out.stdout + out.stderr
    for line in expected:
        assert line.format(**ids) in out.stdout, out.stdout


def test_verify_names_a_rewritten_text_and_quote(crawled: Crawled,
                                                 request: pytest.FixtureRequest) -> None:
    """The text and the quote rewritten together: the quote still sits at its offsets, but the
    archived bytes no longer say it, and both rows differ from their log entries."""
    with forgery_copy(crawled, request) as copy:
        ids = a_cited_hit(copy)
        [(original,)] = sql(copy, "SELECT text FROM versions WHERE id = :v", v=ids["version"])
        quote = "伪" + ids["sentence"][1:]
        forged = original[:ids["start"]] + quote + original[ids["end"]:]
        sql(copy, "UPDATE versions SET text = :t WHERE id = :v", t=forged, v=ids["version"])
        sql(copy, "UPDATE hits SET sentence = :q WHERE id = :h", q=quote, h=ids["hit"])
        out = run(copy, "verify")
    assert out.returncode == 1, out.stdout
    assert f"hit: hit {ids['hit']}:" not in out.stdout  # the offsets alone cannot tell
    assert (f"MISMATCH text: version {ids['version']}: not what the raw bytes give: text "
            f"differs from char {ids['start']} (“伪") in out.stdout
    assert f"MISMATCH log: versions row {ids['version']}: altered" in out.stdout
    assert f"MISMATCH log: hits row {ids['hit']}: altered" in out.stdout


def test_verify_names_an_edited_review_and_a_log_cut_back(crawled: Crawled,
                                                          request: pytest.FixtureRequest) -> None:
    """A review recorded by the CLI is logged; editing it shows. Deleting the newest row together
    with its log entry shows only against a head noted earlier (`--expect-head`)."""
    with forgery_copy(crawled, request) as copy:
        hit = a_cited_hit(copy)["hit"]
        recorded = run(copy, "review", str(hit), "--status", "confirmed", "--reviewer", "A")
        assert recorded.returncode == 0, recorded.stderr
        clean = run(copy, "verify")
        assert clean.returncode == 0, clean.stdout
        head = re.search(r"Hash log head: ([0-9a-f]{64})", clean.stdout)
        assert head is not None
        [(review,)] = sql(copy, "SELECT max(id) FROM reviews")
        sql(copy, "UPDATE reviews SET status = 'rejected' WHERE id = :r", r=review)
        edited = run(copy, "verify")
        assert edited.returncode == 1
        assert f"MISMATCH log: reviews row {review}: altered" in edited.stdout
        sql(copy, "DELETE FROM reviews WHERE id = :r", r=review)
        sql(copy, "DELETE FROM hash_log WHERE id = (SELECT max(id) FROM hash_log)")
        cut = run(copy, "verify")
        assert cut.returncode == 0, cut.stdout  # the documented limit: a consistent cut
        noted = run(copy, "verify", "--expect-head", head.group(1))
    assert noted.returncode == 1
    assert f"MISMATCH log: hash_log: no entry {head.group(1)}: the log was cut back" \
        in noted.stdout
