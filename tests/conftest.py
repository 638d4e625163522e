"""Suite-wide settings and the shared fixtures.

- Servers: ``pg_server`` (a PostgreSQL superuser URL: $EVIDENCE_TEST_PG_URL, else a throwaway
  server started here), ``pg_url`` (a fresh database on it), ``redis_url`` (a throwaway Redis);
  each skips with the reason when its system package is missing. Free ports: tests/ports.py; the
  CLI in a subprocess: tests/cli.py; the desk and its demo database: tests/web/conftest.py.

- With EVIDENCE_REQUIRE_SYSTEM=1 (set by .ci/run) every skipped test fails instead, its reason
  kept: tests skip only when a system package (PostgreSQL, Redis, Chromium, antiword, Tesseract)
  or a condition CI always has (root, a current setuptools) is missing, so on CI a skip is a fault.
- Markers (registered in pyproject.toml) are applied here by where a test lives and what it
  uses: ``server`` (PostgreSQL, Redis or Scrapyd: tests/pg, their fixtures, the PostgreSQL
  variants of parametrized tests), ``browser`` (Chromium: tests/web/test_browser.py) and
  ``slow`` (tests/e2e, tests/pg, anything on the crawled demo database, browsers, Scrapyd).
- ``--quick`` runs the rest: ``-m "not slow and not browser and not server"``, the selection a
  developer runs while working (under two minutes on 2 cores); CI runs everything.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pg.server import ENV as PG_ENV
from tests.pg.server import PgServer, new_database, why_not
from tests.redis_server import RedisServer

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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A superuser URL of a PostgreSQL server that may create databases."""
    given = os.environ.get(PG_ENV)
    if given:
        yield given
        return
    reason = why_not()
    if reason:
        pytest.skip(reason)
    server = PgServer().start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture()
def pg_url(pg_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh database URL (postgresql://...), with raw captures under tmp_path."""
    monkeypatch.setenv("EVIDENCE_DATA_DIR", str(tmp_path / "evidence-data"))
    with new_database(pg_server) as url:
        yield url


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """The URL of a fresh Redis server (skipped, with why, when redis-server is absent)."""
    if shutil.which("redis-server") is None:
        pytest.skip("distributed-crawl tests need redis-server (apt-get install redis-server; "
                    ".ci/run installs it)")
    server = RedisServer().start()
    try:
        yield server.url
    finally:
        server.stop()
