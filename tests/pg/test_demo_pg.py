"""End to end on PostgreSQL: `evidence demo --db postgresql://...` must meet demo/manifest.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.engine import open_database, session_scope
from db.models import Capture, Document, Hit
from demo.server import DEMO_ORIGIN
from tests.cli import evidence
from tests.demo_manifest import ALL_HITS, ERROR_PREFIX, MANIFEST
from tests.pg.server import new_database
from tests.ports import free_port


@dataclass
class PgDemo:
    url: str
    data: Path
    base: str
    out: str


@pytest.fixture(scope="module")
def pg_demo(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgDemo]:
    data = tmp_path_factory.mktemp("pgdemo") / "evidence-data"
    port = free_port()
    with new_database(pg_server) as url:
        run = evidence("demo", "--db", url, "--port", str(port), "--no-render",
                       env={"EVIDENCE_DATA_DIR": str(data)})
        assert run.returncode == 0, run.stderr
        yield PgDemo(url, data, DEMO_ORIGIN, run.stdout)


def _by_url(demo: PgDemo) -> tuple[dict[str, Any], dict[str, list[Capture]]]:
    engine = open_database(demo.url, create=False)
    docs: dict[str, Any] = {}
    captures: dict[str, list[Capture]] = {}
    with session_scope(engine) as session:
        for doc in session.scalars(select(Document)):
            version = doc.versions[-1]
            hits = session.scalars(select(Hit).where(Hit.version_id == version.id)).all()
            docs[doc.url] = (version.flagged, len(hits), version)
        for cap in session.scalars(select(Capture).where(Capture.run_id == 1)):
            captures.setdefault(cap.url, []).append(cap)
    engine.dispose()
    return docs, captures


def test_demo_on_postgresql_meets_the_manifest(pg_demo: PgDemo) -> None:
    docs, captures = _by_url(pg_demo)
    for entry in MANIFEST:
        url = pg_demo.base + entry["path"]
        if entry["kind"] == "blocked":
            assert url not in captures
        elif entry["kind"] == "listing":
            assert [c.error for c in captures[url]] == [None], url
        elif entry["kind"] == "error":
            [capture] = captures[url]
            assert capture.error and capture.error.startswith(ERROR_PREFIX[entry["error"]]), url
            assert url not in docs
        else:
            flagged, hits, version = docs[url]
            assert (flagged, hits, version.script) == (entry["flagged"], entry["expected_hits"],
                                                       entry["script"]), url
    expected = {pg_demo.base + e["path"] for e in MANIFEST if e["kind"] != "blocked"}
    assert {u for u in captures if not u.endswith("/robots.txt")} == expected


def test_demo_hits_search_and_verify_on_postgresql(pg_demo: PgDemo) -> None:
    env = {"EVIDENCE_DATA_DIR": str(pg_demo.data)}
    hits = json.loads(evidence("hits", "--db", pg_demo.url, "--format", "json", env=env).stdout)
    assert len(hits) == ALL_HITS  # with the second version of the page revised a day later
    found = evidence("search", "勞動力轉移", "--db", pg_demo.url, "--format", "json", env=env)
    assert found.returncode == 0 and json.loads(found.stdout)["total"] > 0
    checked = evidence("verify", "--db", pg_demo.url, env=env)
    assert checked.returncode == 0 and checked.stdout.rstrip().endswith(": OK"), checked.stdout
