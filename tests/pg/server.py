"""A throwaway PostgreSQL server for tests: initdb into a temp directory, listen on 127.0.0.1."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from tests.ports import free_port

ENV = "EVIDENCE_TEST_PG_URL"  # a server CI provides; else one is started here
USER = "postgres"  # initdb refuses to run as root; Debian's package creates this account


def find_bin(name: str) -> str | None:
    """The path of a PostgreSQL program: on PATH, else in Debian's versioned directory."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_user(argv: list[str]) -> list[str]:
    """Run as the postgres account when we are root (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", USER, "--", *argv]


class PgServer:
    """One postgres process with a data directory that is removed when it stops."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="evidence-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            uid = pwd.getpwnam(USER).pw_uid
            os.chown(self.root, uid, -1)

    @property
    def url(self) -> str:
        """The superuser URL of the server's default database."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"

    def start(self) -> PgServer:
        """initdb (UTF-8, C collation, trust on localhost) and start; wait until it accepts."""
        initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
        assert initdb and pg_ctl
        subprocess.run(_as_user([initdb, "-D", str(self.data), "-U", USER, "-E", "UTF8",
                                 "--locale=C.UTF-8", "-A", "trust"]),
                       check=True, capture_output=True)
        options = f"-k {self.root} -h 127.0.0.1 -p {self.port} -F"
        subprocess.run(_as_user([pg_ctl, "-D", str(self.data), "-o", options, "-w", "-t", "60",
                                 "-l", str(self.root / "log"), "start"]),
                       check=True, capture_output=True)
        self._wait()
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"postgres did not start on port {self.port}")

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory."""
        pg_ctl = find_bin("pg_ctl")
        if pg_ctl and self.data.exists():
            subprocess.run(_as_user([pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop"]),
                           capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


def why_not() -> str | None:
    """Why this machine cannot start its own PostgreSQL, or None when it can."""
    if find_bin("initdb") is None or find_bin("pg_ctl") is None:
        return f"PostgreSQL tests need ${ENV} or PostgreSQL installed (no initdb found)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(USER)
        except KeyError:
            return f"running as root needs a '{USER}' account to run initdb as"
    return None


def admin_url(server: str) -> str:
    """The server's superuser URL in the plain form psycopg takes."""
    return make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def new_database(server: str) -> Iterator[str]:
    """A fresh, empty database on ``server`` (dropped afterwards); yields its plain URL."""
    name = f"evidence_test_{uuid.uuid4().hex[:12]}"
    admin = admin_url(server)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
