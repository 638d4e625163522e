"""Opening a database: a read command never creates or migrates one. A missing, empty or foreign
file is a one-line error (exit 2) and stays exactly as it was; a read-only database (file mode
0444, or a read-only directory) is read through a read-only connection, and a write to it says
that the database is read-only. Under root, which ignores file modes, the read-only cases
also set the immutable attribute (chattr +i)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.errors import StorageError
from db.rawstore import RawStore
from db.store import SourceInfo, ensure_source, start_run, store_batch
from db.warc import WarcSink
from evidence.cli import main
from tests.unit.test_evidence_store import T0, extracted_page

ROOT = Path(__file__).resolve().parents[2]
READ_COMMANDS = [["verify"], ["hits"], ["show", "1"], ["cite", "1"],
                 ["history", "http://127.0.0.1:1/a.html"], ["runs"], ["report"], ["export"],
                 ["review"], ["evaluate", "--reviews"], ["pack", "-o", "never.zip"]]


def not_evidence(kind: str, folder: Path) -> Path:
    """A file that is no evidence database: empty, foreign bytes, SQLite without our tables."""
    path = folder / f"{kind}.db"
    if kind == "empty":
        path.touch()
    elif kind == "foreign":
        path.write_text("id,url\n1,http://example.com/\n", encoding="utf-8")
    elif kind == "other-sqlite":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.close()
    return path


def state(path: Path) -> tuple[bool, str, list[str]]:
    """Whether the file exists, its SHA-256, and the files beside it (-wal, -shm ...)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
    return path.exists(), digest, sorted(p.name for p in path.parent.iterdir())


NOT_DATABASES = ["missing", "empty", "foreign", "other-sqlite"]
# `evidence sources` lists the source files before any crawl: only a file that is there but is
# no evidence database is refused (a missing one: test_sources_without_a_database_yet)
REFUSALS = [pytest.param(command, kind, id=f"{command[0]}-{kind}")
            for command in [*READ_COMMANDS, ["sources"]] for kind in NOT_DATABASES
            if (command[0], kind) != ("sources", "missing")]


@pytest.mark.parametrize(("command", "kind"), REFUSALS)
def test_read_commands_refuse_what_is_no_database_and_touch_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str],
        kind: str) -> None:
    path = not_evidence(kind, tmp_path)
    before = state(path)
    assert main([*command, "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("evidence: error: ") and err.count("\n") == 1, err
    assert "Checked nothing" not in err and "Traceback" not in err
    assert state(path) == before  # no schema written, no file created, no -wal left


def test_sources_without_a_database_yet(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    path = tmp_path / "evidence.db"
    assert main(["sources", "--db", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "demo-gov" in out and "never" in out
    assert err == f"evidence: note: no database at {path} yet: no source has run\n"
    assert list(tmp_path.iterdir()) == []  # nothing created


def test_each_refusal_says_what_the_file_is(tmp_path: Path) -> None:
    said = {}
    for kind in ("missing", "empty", "foreign", "other-sqlite"):
        with pytest.raises(StorageError) as caught:
            open_database(str(not_evidence(kind, tmp_path)), create=False)
        said[kind] = str(caught.value)
    assert "no database at" in said["missing"]
    assert "is an empty file, not an evidence database" in said["empty"]
    assert "is not a SQLite database" in said["foreign"]
    assert "holds no evidence tables" in said["other-sqlite"]


def test_writing_commands_still_create_a_new_database(tmp_path: Path) -> None:
    open_database(str(tmp_path / "new.db")).dispose()
    assert (tmp_path / "new.db").stat().st_size > 0
    with pytest.raises(StorageError, match="is not a SQLite database"):
        open_database(str(not_evidence("foreign", tmp_path)))


# --- read-only databases


def lock(path: Path) -> None:
    """Make ``path`` unwritable for this process: its mode, and under root (which ignores
    modes) the immutable attribute too."""
    path.chmod(0o555 if path.is_dir() else 0o444)
    if os.geteuid() != 0:
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"running as root needs chattr +i to make a file read-only: {done.stderr}")


def unlock(path: Path) -> None:
    """Undo :func:`lock`."""
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    path.chmod(0o755 if path.is_dir() else 0o644)


def cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, on ``db``."""
    return subprocess.run([sys.executable, "-m", "evidence.cli", *args, "--db", str(db)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def build_database(folder: Path) -> Path:
    """A database with one stored page and its hit, as a crawl stores it."""
    db = folder / "evidence.db"
    url = resolve_db_url(str(db))
    engine = open_database(url)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("demo", "示例新闻网", "state_media", "zh", "listing"))
        run = start_run(session, ["demo"])
    warc = WarcSink(data_dir_for(url), f"run-{run}-demo", {"software": "test"})
    with session_scope(engine) as session:
        store_batch(session, RawStore(data_dir_for(url)), [extracted_page(T0)], run, warc)
    warc.close()
    engine.dispose()
    return db


@pytest.fixture(params=["file", "directory"])
def read_only_db(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A stored page with a hit, then its database file (its folder writable) or its folder
    made read-only."""
    db = build_database(tmp_path)
    locked = db if request.param == "file" else tmp_path
    lock(locked)
    try:
        yield db
    finally:
        unlock(locked)


def test_read_only_database_is_read_and_a_write_says_read_only(read_only_db: Path) -> None:
    db = read_only_db
    before = state(db)
    hits = cli("hits", db=db)
    assert hits.returncode == 0, hits.stderr
    assert "1 hits" in hits.stdout
    verified = cli("verify", db=db)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.rstrip().endswith(": OK")
    write = cli("review", "1", "--status", "confirmed", "--reviewer", "A", db=db)
    assert write.returncode == 2, write.stdout + write.stderr
    assert write.stderr.count("\n") == 1 and "is read-only" in write.stderr, write.stderr
    assert "attempt to write" not in write.stderr and "busy" not in write.stderr
    assert state(db)[1] == before[1]  # not a byte changed
