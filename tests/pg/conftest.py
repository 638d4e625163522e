"""PostgreSQL for the tests in tests/pg: $EVIDENCE_TEST_PG_URL (CI sets it), else a throwaway
server started here when PostgreSQL is installed, else these tests are skipped (with why)."""

from __future__ import annotations

import os
import pwd
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.pg.server import USER, PgServer, find_bin

ENV = "EVIDENCE_TEST_PG_URL"


def _why_not() -> str | None:
    """Why this machine cannot start its own PostgreSQL, or None when it can."""
    if find_bin("initdb") is None or find_bin("pg_ctl") is None:
        return f"PostgreSQL tests need ${ENV} or PostgreSQL installed (no initdb found)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(USER)
        except KeyError:
            return f"running as root needs a '{USER}' account to run initdb as"
    return None


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A superuser URL of a PostgreSQL server that may create databases."""
    given = os.environ.get(ENV)
    if given:
        yield given
        return
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    server = PgServer().start()
    try:
        yield server.url
    finally:
        server.stop()


def _admin_url(server: str) -> str:
    return make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def new_database(server: str) -> Iterator[str]:
    """A fresh, empty database on ``server`` (dropped afterwards); yields its plain URL."""
    name = f"evidence_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_url(server)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture()
def pg_url(pg_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh database URL (postgresql://...), with raw captures under tmp_path."""
    monkeypatch.setenv("EVIDENCE_DATA_DIR", str(tmp_path / "evidence-data"))
    with new_database(pg_server) as url:
        yield url
