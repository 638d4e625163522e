"""Unattended runs: overlapping runs refused, broken sources reported, SIGKILL loses nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evidence.services.lock import EXIT_LOCKED, CrawlLock
from tests.cli import evidence
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]



def test_overlapping_run_exits_at_once(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    with CrawlLock(tmp_path / "e-data" / "crawl.lock"):
        started = time.monotonic()
        result = evidence("crawl", "demo-gov", "--db", str(db))
        assert time.monotonic() - started < 30
    assert result.returncode == EXIT_LOCKED
    assert "another crawl is running" in result.stderr and "Traceback" not in result.stderr


def test_broken_source_is_named_in_report(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "crawler" / "sources", sources,
                    ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    gov = sources / "government" / "demo-gov.yml"
    gov.write_text(gov.read_text(encoding="utf-8").replace("ul.list", "ul.redesigned-list"),
                   encoding="utf-8")
    env = {"EVIDENCE_SOURCES_DIR": str(sources)}
    db = str(tmp_path / "e.db")
    crawled = evidence("demo", "--db", db, "--port", str(free_port()), "--no-render", env=env)
    assert crawled.returncode == 0, crawled.stderr
    assert "Screenshots: not taken (--no-render)" in crawled.stdout
    assert "Screenshots of pages with hits" not in crawled.stdout
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM screenshots").fetchone() == (0,)
    report = evidence("report", "--db", db, "--run", "1", "--strict", env=env)  # not "a day later"
    assert report.returncode == 3
    assert "WARNING: demo-gov produced 0 items" in report.stdout
    assert "demo-xinwen produced" not in report.stdout
    assert "source demo-gov produced 0 items" in report.stderr
    written = tmp_path / "e-data" / "reports"
    assert (written / "run-1.md").is_file() and (written / "run-1.html").is_file()
    assert "demo-gov" in (written / "run-1.html").read_text(encoding="utf-8")


def _snapshot(db: Path, base: str) -> dict[str, object]:
    """Rows that must come out identical however often the crawl was killed."""
    con = sqlite3.connect(db)
    try:
        strip = lambda url: url.replace(base, "")  # noqa: E731
        docs = sorted(strip(u) for (u,) in con.execute("SELECT url FROM documents"))
        versions = sorted((strip(u), s) for u, s in con.execute(
            "SELECT d.url, v.sha256 FROM versions v JOIN documents d ON d.id = v.document_id"))
        hits = sorted((strip(u), a, b, t) for u, a, b, t in con.execute(
            "SELECT d.url, h.start, h.end, h.sentence FROM hits h "
            "JOIN documents d ON d.id = h.document_id"))
        doubled = con.execute(
            "SELECT url, run_id, COUNT(*) FROM captures GROUP BY url, run_id "
            "HAVING COUNT(*) > 1").fetchall()
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    return {"documents": docs, "versions": versions, "hits": hits, "doubled": doubled,
            "integrity": integrity}


def _raw_files_intact(db: Path) -> None:
    for path in (db.parent / f"{db.stem}-data" / "sha256").rglob("*"):
        if path.is_file() and not path.name.startswith(".tmp-"):
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """One uninterrupted demo crawl to compare the killed-and-resumed ones with."""
    port = free_port()
    db = tmp_path_factory.mktemp("reference") / "ref.db"
    assert evidence("demo", "--db", str(db), "--port", str(port), "--no-render").returncode == 0
    return db, port


@pytest.mark.parametrize("kill_after", [1.5, 3.0, 5.0])
def test_sigkill_then_rerun_loses_and_doubles_nothing(
    tmp_path: Path, kill_after: float, reference: tuple[Path, int]
) -> None:
    reference_db, port = reference
    base = f"http://127.0.0.1:{port}"

    db = tmp_path / "killed.db"
    env = {**os.environ, "EVIDENCE_STORE_BATCH": "3"}
    victim = subprocess.Popen(
        [sys.executable, "-m", "evidence.cli", "demo", "--db", str(db), "--port", str(port),
         "--no-render"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(kill_after)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)

    resumed = evidence("demo", "--db", str(db), "--port", str(port), "--no-render",
                       env={"EVIDENCE_STORE_BATCH": "3"})
    assert resumed.returncode == 0, resumed.stderr
    if db.exists():
        runs = sqlite3.connect(db).execute("SELECT status FROM crawl_runs ORDER BY id").fetchall()
        assert runs[-1] == ("finished",) and all(s in {"killed", "finished"} for (s,) in runs)
    got, want = _snapshot(db, base), _snapshot(reference_db, base)
    assert got["integrity"] == "ok" and got["doubled"] == []
    assert {k: got[k] for k in ("documents", "versions", "hits")} == \
        {k: want[k] for k in ("documents", "versions", "hits")}
    _raw_files_intact(db)


def test_schedule_prints_and_installs(tmp_path: Path) -> None:
    db = str(tmp_path / "e.db")
    printed = evidence("schedule", "--db", db, "--at", "03:15")
    assert printed.returncode == 0
    assert "15 3 * * * " in printed.stdout and "crawl --all" in printed.stdout
    # every captured page with hits gets a screenshot, before the run's manifest is sealed
    assert printed.stdout.count("--no-progress --render >>") == 2, printed.stdout  # cron, unit
    unrendered = evidence("schedule", "--db", db, "--no-render")
    assert unrendered.returncode == 0 and "crawl --all" in unrendered.stdout
    assert "--render" not in unrendered.stdout
    assert "OnCalendar=*-*-* 03:15:00" in printed.stdout and "report" in printed.stdout
    home = tmp_path / "config"
    installed = evidence("schedule", "--db", db, "--install", env={"XDG_CONFIG_HOME": str(home)})
    assert installed.returncode == 0, installed.stderr
    timer = home / "systemd" / "user" / "evidence-crawl.timer"
    assert "OnCalendar=*-*-* 02:30:00" in timer.read_text(encoding="utf-8")
    service = (home / "systemd/user/evidence-crawl.service").read_text()
    assert "ExecStart=" in service and "--no-progress --render >>" in service
    bad = evidence("schedule", "--db", db, "--at", "25:99")
    assert bad.returncode == 2 and "not a time of day" in bad.stderr
