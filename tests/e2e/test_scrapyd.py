"""Scrapyd: deploy the project as an egg to a real scrapyd, schedule demo-gov, check the DB.

The egg is built from a temporary copy of the project: ``scrapyd-deploy`` runs ``setup.py`` and
leaves ``build/`` and ``*.egg-info`` behind in the folder holding scrapy.cfg.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crawler.sources import load_sources
from db.engine import open_database, session_scope
from db.models import CrawlRun, Document, Hit, Source
from demo.server import DEMO_ORIGIN, DemoServer
from tests.demo_manifest import MANIFEST
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PROJECT_FILES = ("pyproject.toml", "setup.py", "README.md")
VERSION = "1"  # the egg lands in eggs/evidence/1.egg
CONF = """[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {home}/eggs
logs_dir = {home}/logs
dbs_dir = {home}/dbs
items_dir =
max_proc = 1
poll_interval = 0.2
"""


@dataclass
class Scrapyd:
    url: str
    home: Path
    project: Path

    def get(self, endpoint: str, **params: str) -> Any:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.url}{endpoint}?{query}", timeout=10) as answer:
            return json.load(answer)

    def post(self, endpoint: str, fields: list[tuple[str, str]]) -> Any:
        body = urllib.parse.urlencode(fields).encode()
        with urllib.request.urlopen(f"{self.url}{endpoint}", body, timeout=10) as answer:
            return json.load(answer)

    def text(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as answer:
            return str(answer.read().decode("utf-8"))


def copy_project(target: Path, port: int) -> Path:
    """Copy the packaged folders and build files; point the [deploy] target at ``port``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for pattern in config["tool"]["setuptools"]["packages"]["find"]["include"]:
        name = pattern.rstrip("*")
        shutil.copytree(ROOT / name, target / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, target / name)
    cfg = (ROOT / "scrapy.cfg").read_text(encoding="utf-8")
    assert "url = http://127.0.0.1:6800/\nproject = evidence\n" in cfg
    (target / "scrapy.cfg").write_text(cfg.replace(":6800/", f":{port}/"), encoding="utf-8")
    return target


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll daemonstatus.json until scrapyd answers."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(encoding="utf-8", errors="replace")
        try:
            with urllib.request.urlopen(url + "daemonstatus.json", timeout=2) as answer:
                if json.load(answer)["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail("scrapyd did not answer within 60 s")


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    with DemoServer() as server:
        yield server.url


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory, demo_url: str) -> Iterator[Scrapyd]:
    home = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (home / "scrapyd.conf").write_text(CONF.format(port=port, home=home), encoding="utf-8")
    project = copy_project(tmp_path_factory.mktemp("project"), port)
    # Scrapyd appends the egg to sys.path, so a copy of the project installed in this venv (CI's
    # `pip install .`) would run instead. A Scrapyd host has only the dependencies
    # (docs/scrapyd.md); putting the deployed egg first makes this venv behave like one.
    egg = home / "eggs" / "evidence" / f"{VERSION}.egg"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "EVIDENCE_DB")}
    env.update(PYTHONPATH=str(egg), EVIDENCE_DEMO_URL=demo_url)
    log = home / "scrapyd.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, process, log)
        yield Scrapyd(url, home, project)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def deployed(scrapyd: Scrapyd) -> dict[str, Any]:
    result = subprocess.run([str(BIN / "scrapyd-deploy"), "-v", VERSION], cwd=scrapyd.project,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def wait_for_job(scrapyd: Scrapyd, job: str) -> dict[str, Any]:
    """Poll listjobs.json until the job is finished; return its entry."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        jobs = scrapyd.get("listjobs.json", project="evidence")
        for entry in jobs["finished"]:
            if entry["id"] == job:
                return dict(entry)
        time.sleep(0.5)
    pytest.fail(f"job {job} did not finish within 180 s")


def test_deploy_registers_every_source(scrapyd: Scrapyd, deployed: dict[str, Any]) -> None:
    assert deployed["status"] == "ok" and deployed["version"] == VERSION
    assert deployed["spiders"] == len(load_sources()) > 0
    spiders = scrapyd.get("listspiders.json", project="evidence")["spiders"]
    assert "demo-gov" in spiders and "demo-xinwen" in spiders


def test_scheduled_demo_source_lands_in_database(
    scrapyd: Scrapyd, deployed: dict[str, Any], demo_url: str, tmp_path: Path
) -> None:
    db = tmp_path / "scrapyd.db"
    answer = scrapyd.post("schedule.json", [
        ("project", "evidence"), ("spider", "demo-gov"), ("setting", f"EVIDENCE_DB={db}"),
    ])
    assert answer["status"] == "ok", answer
    job = wait_for_job(scrapyd, answer["jobid"])
    log = scrapyd.text(job["log_url"])
    assert "Traceback" not in log and "Spider closed (finished)" in log

    articles = {DEMO_ORIGIN + e["path"]: e["expected_hits"] for e in MANIFEST
                if e["source"] == "demo-gov" and e["kind"] == "article"}
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        docs = {d.url: d.id for d in session.scalars(select(Document))}
        hits = {url: len(session.scalars(select(Hit).where(Hit.document_id == doc)).all())
                for url, doc in docs.items()}
        source = session.scalars(select(Source)).one()
        runs = [(r.status, r.sources) for r in session.scalars(select(CrawlRun))]
    engine.dispose()
    assert len(articles) == 10 and sum(articles.values()) == 28  # 9 notices, 1 attachment
    assert hits == articles
    assert runs == [("finished", '["demo-gov"]')]
    # the crawl ran from the deployed (zipped) egg, not from a checkout
    egg = scrapyd.home / "eggs" / "evidence" / f"{VERSION}.egg"
    assert source.definition_path == f"{egg}/crawler/sources/government/demo-gov.yml"
