"""check-source (offline replay, live over 127.0.0.1, unreachable network), new-source, sources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.sources import SOURCES_DIR, load_source
from demo.server import DemoServer
from evidence.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/fixtures/sources"

UNREACHABLE_SOURCE = """
publisher: 不可达示例（测试）
kind: state_media
language: zh
start_urls: ["http://evidence-check.invalid/news/index.html"]
links:
  article: {css: "ul.list a"}
"""


def test_live_check_offline_says_network_is_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # .invalid never resolves (RFC 2606): the same path a machine without internet takes
    (tmp_path / "state_media").mkdir()
    (tmp_path / "state_media" / "unreachable.yml").write_text(UNREACHABLE_SOURCE, "utf-8")
    monkeypatch.setenv("EVIDENCE_SOURCES_DIR", str(tmp_path))
    assert main(["check-source", "unreachable", "--live"]) == 3
    out = capsys.readouterr().out
    assert out.startswith("unreachable: network unreachable: cannot resolve evidence-check.invalid")
    assert "needs internet access" in out


def test_offline_check_replays_fixtures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-source", "xpcc-8th-division"]) == 0
    assert capsys.readouterr().out == (
        "xpcc-8th-division: fixtures replay exactly as expected.json (8 captures, 5 documents)\n")


def test_offline_check_reports_a_changed_outcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(FIXTURES / "hotan-gov", tmp_path / "hotan-gov")
    expected = tmp_path / "hotan-gov" / "expected.json"
    expected.write_text(expected.read_text("utf-8").replace("和田日报", "和田晚报"), "utf-8")
    monkeypatch.setenv("EVIDENCE_FIXTURES_DIR", str(tmp_path))
    assert main(["check-source", "hotan-gov"]) == 1
    assert "hotan-gov: outcome differs from" in capsys.readouterr().out
    assert main(["check-source", "hotan-gov", "--update"]) == 0
    assert main(["check-source", "hotan-gov"]) == 0
    assert expected.read_text("utf-8") == (FIXTURES / "hotan-gov/expected.json").read_text("utf-8")


def _live(
    slug: str, server_url: str, sources_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EVIDENCE_DEMO_URL": server_url}
    if sources_dir:
        env["EVIDENCE_SOURCES_DIR"] = str(sources_dir)
    return subprocess.run(
        [sys.executable, "-m", "evidence.cli", "check-source", slug, "--live", "--pages", "8"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )


def test_live_check_names_the_selector_a_redesign_broke(tmp_path: Path) -> None:
    broken = (SOURCES_DIR / "government" / "demo-gov.yml").read_text("utf-8").replace(
        'title: "div.title h2"', 'title: "div.headline h1"')
    (tmp_path / "government").mkdir()
    (tmp_path / "government" / "demo-gov.yml").write_text(broken, "utf-8")
    with DemoServer(port=0) as server:
        good = _live("demo-gov", server.url)
        bad = _live("demo-gov", server.url, tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "demo-gov: every rule matched at least once." in good.stdout
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "  NOTHING  selectors.title 'div.headline h1': matched on 0/" in bad.stdout
    assert "  ok       selectors.body 'div.TRS_Editor'" in bad.stdout
    assert "1 rule(s) matched nothing" in bad.stdout


@pytest.mark.parametrize("strategy", ["listing", "paged_listing", "search_api", "filings",
                                      "web_archive"])
def test_new_source_writes_a_valid_skeleton_and_fixture_folder(
        strategy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCE_SOURCES_DIR", str(tmp_path / "sources"))
    monkeypatch.setenv("EVIDENCE_FIXTURES_DIR", str(tmp_path / "fixtures"))
    args = ["new-source", "hotan-hrss", "--kind", "government", "--strategy", strategy,
            "--publisher", "和田地区人力资源和社会保障局", "--url", "https://example.gov.cn/a/index.html"]
    assert main(args) == 0
    source = load_source(tmp_path / "sources" / "government" / "hotan-hrss.yml")
    assert (source.slug, source.kind, source.strategy) == ("hotan-hrss", "government", strategy)
    assert (tmp_path / "fixtures" / "hotan-hrss" / "responses.json").read_text("utf-8") == "[]\n"
    assert main(args) == 2  # never overwrites


def test_sources_lists_last_run_items_and_minimum(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
    from db.rawstore import RawStore
    from db.store import (
        CaptureRecord,
        SourceInfo,
        ensure_source,
        finish_run,
        start_run,
        store_batch,
    )

    db = str(tmp_path / "e.db")
    engine = open_database(db)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("hotan-gov", "和田地区行政公署", "government", "zh",
                                          "paged_listing", 10))
        run = start_run(session, ["hotan-gov", "kashgar-gov"])
        now = datetime(2024, 6, 30, tzinfo=UTC)
        urls = [f"https://www.xjht.gov.cn/a/{i}" for i in range(4)]
        records = [CaptureRecord("hotan-gov", url, url, now, http_status=200, body=b"x")
                   for url in urls[:3]]
        records.append(CaptureRecord("hotan-gov", urls[3], urls[3], now, http_status=404,
                                     error="http_404"))
        store_batch(session, RawStore(data_dir_for(resolve_db_url(db))), records, run)
        finish_run(session, run, "finished", {})
    engine.dispose()
    assert main(["sources", "--db", db]) == 0
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[1:-1]]
            for line in capsys.readouterr().out.splitlines() if line.startswith("│")}
    assert rows["hotan-gov"][4].startswith("#1 ")
    assert rows["hotan-gov"][5:8] == ["3", "10", "NO"]
    assert rows["kashgar-gov"][5:8] == ["0", "10", "NO"]
    assert rows["xinhua-search"][4:8] == ["never", "—", "20", "—"]
