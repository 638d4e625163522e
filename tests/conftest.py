"""Suite-wide settings.

- With EVIDENCE_REQUIRE_SYSTEM=1 (set by .ci/run) a test skipped for a missing system package
  (PostgreSQL, Redis, Chromium, antiword) fails instead.
- Markers (registered in pyproject.toml) are applied here by where a test lives and what it
  uses: ``server`` (PostgreSQL, Redis or Scrapyd: tests/pg, their fixtures, the PostgreSQL
  variants of parametrized tests), ``browser`` (Chromium: tests/web/test_browser.py) and
  ``slow`` (tests/e2e, tests/pg, anything on the crawled demo database, browsers, Scrapyd).
- ``--quick`` runs the rest: ``-m "not slow and not browser and not server"``, the selection a
  developer runs while working (under two minutes on 2 cores); CI runs everything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

QUICK = "not slow and not browser and not server"
TESTS = Path(__file__).resolve().parent
SERVER_FIXTURES = frozenset(("pg_server", "pg_url", "pg_demo", "redis_url", "scrapyd"))
BROWSER_FIXTURES = frozenset(("browser",))
SLOW_FIXTURES = frozenset(("demo_db", "pg_demo", "scrapyd", "browser"))
SLOW_DIRS = ("e2e", "pg")
SERVER_DIRS = ("pg",)


@pytest.fixture(autouse=True)
def _environment_restored() -> Iterator[None]:
    """Give every test back the environment it found (code under test may set variables)."""
    saved = dict(os.environ)
    yield
    if os.environ != saved:
        os.environ.clear()
        os.environ.update(saved)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """Turn skips into failures when the environment says every system package is there."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("EVIDENCE_REQUIRE_SYSTEM") == "1":
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, but EVIDENCE_REQUIRE_SYSTEM=1: {reason}"


def pytest_addoption(parser: pytest.Parser) -> None:
    """--quick: only the fast tests."""
    parser.addoption("--quick", action="store_true",
                     help=f'only the fast tests: -m "{QUICK}" (under 2 minutes on 2 cores)')


def pytest_configure(config: pytest.Config) -> None:
    """Turn --quick into its marker expression (and-ed with any -m given)."""
    if config.getoption("quick"):
        given = config.option.markexpr
        config.option.markexpr = f"({given}) and ({QUICK})" if given else QUICK


def markers_of(path: Path, fixtures: set[str], params: str = "") -> set[str]:
    """The markers a test gets from where it lives, the fixtures it uses and its parameters."""
    folder = path.relative_to(TESTS).parts[0] if path.is_relative_to(TESTS) else ""
    found = set()
    if folder in SERVER_DIRS or fixtures & SERVER_FIXTURES or "postgresql" in params:
        found.add("server")
    if fixtures & BROWSER_FIXTURES:
        found.add("browser")
    if folder in SLOW_DIRS or fixtures & SLOW_FIXTURES:
        found.add("slow")
    return found


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test by markers_of."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        for name in markers_of(item.path, set(getattr(item, "fixturenames", ())),
                               callspec.id if callspec else ""):
            item.add_marker(name)
