"""End to end: RFC 3161 timestamps of run manifests from a real local TSA (OpenSSL's
`openssl ts -reply` behind HTTP on 127.0.0.1, tests/tsa_server.py; no mock of the protocol).

A crawl of one demo source with the TSA configured gets a timestamped manifest that verify
accepts; a crawl without a TSA still succeeds and its report says "not timestamped";
`evidence timestamp --pending` stamps it; then an edited manifest, a changed capture, a changed
WARC file, swapped tokens and another TSA's certificates each make verify fail naming them.
Screenshots of a standalone `evidence render` (after the runs were sealed) get a manifest of
their own: timestamped at once with a TSA, else by `evidence timestamp --pending`; verify names
a tampered one.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from demo.server import DemoServer
from evidence.services.chromium import chromium_path
from tests.cli import evidence
from tests.ports import free_port
from tests.tsa_server import LocalTsa

pytestmark = pytest.mark.server


@dataclass
class Base:
    db: Path
    data: Path
    tsa: LocalTsa
    demo_url: str
    second_report: str = ""

    def env(self, tsa: bool = True) -> dict[str, str]:
        """The environment of a command: the demo's proxy, with or without the TSA."""
        env = {"EVIDENCE_DEMO_URL": self.demo_url, "EVIDENCE_DATA_DIR": str(self.data),
               "EVIDENCE_TSA_CA": str(self.tsa.ca), "EVIDENCE_TSA_URL": ""}
        return {**env, "EVIDENCE_TSA_URL": self.tsa.url} if tsa else env


def _sql(db: Path, query: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(query, params).fetchall()
    conn.close()
    return rows


def _verify(base: Base, **env: str) -> tuple[int, str]:
    done = evidence("verify", "--db", str(base.db), env={**base.env(), **env})
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Base]:
    """Two runs of demo-gov: the first timestamped, the second without a TSA, then stamped."""
    tmp = tmp_path_factory.mktemp("stamps")
    with LocalTsa(tmp / "tsa") as tsa, DemoServer(port=free_port()) as server:
        made = Base(tmp / "evidence.db", tmp / "data", tsa, server.url)
        first = evidence("crawl", "demo-gov", "--db", str(made.db), env=made.env())
        assert first.returncode == 0, first.stdout + first.stderr
        assert "Timestamp: run 1: manifest of" in first.stdout
        assert "timestamped at" in first.stdout, first.stdout
        second = evidence("crawl", "demo-gov", "--db", str(made.db), env=made.env(tsa=False))
        assert second.returncode == 0, second.stdout + second.stderr
        assert "run 2: manifest of" in second.stdout
        assert "not timestamped: no TSA configured" in second.stdout
        made.second_report = (made.data / "reports" / "run-2.md").read_text()
        yield made


def test_a_run_gets_a_timestamped_manifest(base: Base) -> None:
    (body, digest, token, tsa_url), = _sql(
        base.db, "SELECT body, sha256, token, tsa_url FROM run_manifests WHERE run_id = 1")
    assert token and tsa_url == base.tsa.url
    lines = str(body).splitlines()
    assert lines[0].startswith("# evidence-pipeline run manifest v1 (run 1)")
    paths = [line.split("  ")[2] for line in lines[1:]]
    assert any(p.startswith("sha256/") for p in paths)
    assert "warc/run-00001-demo-gov.warc.gz" in paths
    report = (base.data / "reports" / "run-1.md").read_text()
    assert "Timestamp: timestamped at" in report and str(digest) in report


def test_without_a_tsa_the_run_is_not_timestamped(base: Base) -> None:
    assert "Timestamp: not timestamped" in base.second_report
    assert "evidence timestamp --pending" in base.second_report


def test_pending_then_verify(base: Base) -> None:
    """--pending builds the manifest of a run that has none, and stamps what lacks a token."""
    code, out = _verify(base)
    assert code == 0, out
    assert "warning: timestamp: run 2: not timestamped" in out
    _sql(base.db, "DELETE FROM run_manifests WHERE run_id = 2")  # as if crawled by scrapy crawl
    code, out = _verify(base)
    assert code == 0 and "warning: manifest: 1 runs: no manifest" in out, out
    down = evidence("timestamp", "--pending", "--db", str(base.db),
                    env={**base.env(), "EVIDENCE_TSA_URL": "http://127.0.0.1:9/tsa",
                         "EVIDENCE_TSA_TIMEOUT": "5"})
    assert down.returncode == 1
    assert "run 2: manifest of" in down.stdout and "not timestamped: the TSA cannot be reached" \
        in down.stdout, down.stdout
    done = evidence("timestamp", "--pending", "--db", str(base.db), env=base.env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "run 2: manifest of" in done.stdout and "timestamped at" in done.stdout
    again = evidence("timestamp", "--pending", "--db", str(base.db), env=base.env())
    assert "nothing pending" in again.stdout
    code, out = _verify(base)
    assert code == 0, out
    assert "not timestamped" not in out and "2 manifests" in out and "2 timestamp tokens" in out


def _restoring(path: Path) -> Path:
    keep = path.with_name(path.name + ".keep")
    shutil.copy2(path, keep)
    return keep


@pytest.mark.parametrize("tamper, expected", [
    ("manifest", ["MISMATCH manifest: run 1: altered: its text hashes to",
                  "MISMATCH timestamp: run 1: it is a token for another digest"]),
    ("swap", ["MISMATCH timestamp: run 1: it is a token for another digest",
              "MISMATCH timestamp: run 2: it is a token for another digest"]),
    ("capture", []),  # the capture's own line, below
    ("warc", ["MISMATCH manifest: run 1: warc/run-00001-demo-gov.warc.gz: changed: it hashes to"]),
    ("other-tsa", ["MISMATCH timestamp: run 1: its signature does not verify",
                   "MISMATCH timestamp: run 2: its signature does not verify"]),
])
def test_verify_names_what_fails(base: Base, tmp_path: Path, tamper: str,
                                 expected: list[str]) -> None:
    evidence("timestamp", "--pending", "--db", str(base.db), env=base.env())  # run 2 too
    db_keep = _restoring(base.db)
    warc = base.data / "warc" / "run-00001-demo-gov.warc.gz"
    warc_keep = _restoring(warc)
    raw = str(_sql(base.db, "SELECT raw_path FROM captures WHERE run_id = 1 AND raw_path "
                             "IS NOT NULL ORDER BY id LIMIT 1")[0][0])
    raw_file = base.data / raw
    raw_keep = _restoring(raw_file)
    env: dict[str, str] = {}
    try:
        if tamper == "manifest":
            _sql(base.db, "UPDATE run_manifests SET body = body || ?", "0" * 64 + "  1  x\n")
        elif tamper == "swap":
            tokens = {row[0]: row[1] for row in
                      _sql(base.db, "SELECT run_id, token FROM run_manifests")}
            for run_id, swapped in ((1, 2), (2, 1)):
                _sql(base.db, "UPDATE run_manifests SET token = ? WHERE run_id = ?",
                     tokens[swapped], run_id)
        elif tamper == "capture":
            raw_file.chmod(0o644)
            raw_file.write_bytes(raw_file.read_bytes() + b" ")
            expected = [f"MISMATCH manifest: run 1: {raw}: changed:"]
        elif tamper == "warc":
            data = bytearray(warc.read_bytes())
            data[len(data) // 2] ^= 1
            warc.write_bytes(bytes(data))
        else:
            with LocalTsa(tmp_path / "other", "Other") as another:
                env = {"EVIDENCE_TSA_CA": str(another.ca)}
        code, out = _verify(base, **env)
    finally:
        shutil.move(db_keep, base.db)
        shutil.move(warc_keep, warc)
        shutil.move(raw_keep, raw_file)
    assert code == 1, out
    for line in expected:
        assert line in out, out


@pytest.mark.browser
def test_a_standalone_render_is_sealed_and_timestamped(base: Base, tmp_path: Path) -> None:
    """`render` with a TSA stamps its manifest at once; without, `timestamp --pending` does."""
    if chromium_path() is None:
        pytest.skip("Debian chromium not installed (.ci/run installs it)")
    db, data = tmp_path / "evidence.db", tmp_path / "data"
    shutil.copy2(base.db, db)
    shutil.copytree(base.data, data)
    copy = Base(db, data, base.tsa, base.demo_url)
    env = {**copy.env(), "EVIDENCE_DATA_DIR": str(data)}
    (doc,), = _sql(db, "SELECT v.document_id FROM versions v WHERE EXISTS (SELECT 1 FROM hits h "
                       "WHERE h.version_id = v.id) AND v.document_id IN (SELECT document_id "
                       "FROM captures WHERE content_type LIKE 'text/html%') ORDER BY v.id LIMIT 1")
    first = evidence("render", "--doc", str(doc), "--db", str(db), env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert re.search(r"^Timestamp: render session \d+: manifest of \d+ files \(sha256 "
                     r"[0-9a-f]{64}\): timestamped at .* by http://127\.0\.0\.1:", first.stdout,
                     re.M), first.stdout
    later = evidence("render", "--pending", "--db", str(db),
                     env={**env, "EVIDENCE_TSA_URL": ""})
    found = re.search(r"^Timestamp: render session (\d+): manifest of \d+ files \(sha256 "
                      r"[0-9a-f]{64}\): not timestamped: no TSA configured", later.stdout, re.M)
    assert found, later.stdout + later.stderr
    session = found.group(1)
    stamped = evidence("timestamp", "--pending", "--db", str(db), env=env)
    assert stamped.returncode == 0, stamped.stdout + stamped.stderr
    assert re.search(rf"^render session {session}: manifest of .* timestamped at", stamped.stdout,
                     re.M), stamped.stdout
    code, out = _verify(copy, EVIDENCE_DATA_DIR=str(data))
    assert code == 0, out
    assert "render session" not in out  # nothing to say: sealed, stamped, intact
    (png,), = _sql(db, "SELECT raw_path FROM screenshots WHERE status = 'ok' ORDER BY id DESC "
                       "LIMIT 1")
    target = data / str(png)
    target.chmod(0o644)
    target.write_bytes(target.read_bytes() + b"\0")
    code, out = _verify(copy, EVIDENCE_DATA_DIR=str(data))
    assert code == 1, out
    assert f"screenshot: {target}: altered or missing" in out
    assert f"MISMATCH manifest: render session {session}: {png}: changed" in out
