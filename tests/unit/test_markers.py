"""The test markers (slow, browser, server) follow what a test needs, so the quick selection a
developer runs leaves out exactly the tests that need a server program, a browser or minutes."""

from __future__ import annotations

import subprocess
import sys

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
