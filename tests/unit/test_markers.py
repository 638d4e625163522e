"""The test markers (slow, browser, server) follow what a test needs, so the quick selection a
developer runs leaves out exactly the tests that need a server program, a browser or minutes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TESTS, markers_of


def test_markers_follow_folder_fixtures_and_parameters() -> None:
    assert markers_of(TESTS / "pg" / "test_x.py", {"pg_url"}) == {"server", "slow"}
    assert markers_of(TESTS / "unit" / "test_x.py", {"redis_url", "tmp_path"}) == {"server"}
    assert markers_of(TESTS / "web" / "test_x.py", {"browser", "demo_db"}) == {"browser", "slow"}
    assert markers_of(TESTS / "e2e" / "test_x.py", set(), "postgresql") == {"server", "slow"}
    assert markers_of(TESTS / "e2e" / "test_x.py", set(), "sqlite") == {"slow"}
    assert markers_of(TESTS / "unit" / "test_x.py", {"tmp_path"}) == set()


def collected(*options: str) -> list[str]:
    """Test ids pytest collects with ``options``."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", *options],
                          capture_output=True, text=True, cwd=TESTS.parent, timeout=300)
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_quick_selection_leaves_out_servers_browsers_and_slow_tests() -> None:
    quick, marked = collected("--quick"), collected("-m", "slow or browser or server")
    assert quick and marked and not set(quick) & set(marked)
    for folder in ("tests/pg/", "tests/e2e/", "tests/web/test_browser.py",
                   "tests/unit/test_shared_queue.py"):  # the last: its Redis tests
        assert [t for t in marked if t.startswith(folder)], folder
    assert not [t for t in quick if t.startswith(("tests/pg/", "tests/e2e/"))]


def test_ci_runs_the_readmes_test_command_and_everything() -> None:
    readme = (TESTS.parent / "README.md").read_text(encoding="utf-8")
    ci = (TESTS.parent / ".ci" / "run").read_text(encoding="utf-8")
    command = 'pip install ".[dev]" && python -m pytest -n auto --dist loadfile'
    assert f"\n{command}\n" in readme and f"\n{command}\n" in ci
    runs = [line for line in ci.splitlines() if "pytest" in line and not line.startswith("#")]
    assert runs == [command]  # no -m, no --quick: CI runs every test


def test_ci_variable_turns_a_skip_for_a_missing_program_into_a_failure(tmp_path: Path) -> None:
    (tmp_path / "test_needs_redis.py").write_text(
        "import pytest\n\ndef test_it():\n    pytest.skip('redis-server is not installed')\n")

    def run(**env: str) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items() if k != "EVIDENCE_REQUIRE_SYSTEM"}
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
             "-rA", str(tmp_path)], capture_output=True, text=True, cwd=TESTS.parent,
            env={**environment, **env}, timeout=300)

    alone = run()
    assert alone.returncode == 0 and "1 skipped" in alone.stdout
    assert "redis-server is not installed" in alone.stdout  # the reason is shown
    required = run(EVIDENCE_REQUIRE_SYSTEM="1")
    assert required.returncode == 1 and "1 failed" in required.stdout
    assert "skipped, but EVIDENCE_REQUIRE_SYSTEM=1" in required.stdout
    assert "redis-server is not installed" in required.stdout
