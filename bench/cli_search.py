"""Search latency as a user sees it: `evidence search` from the shell against the desk.

Both answer the same queries on the same small database. The desk (`evidence serve`, the
baseline) is a long-lived process: a request pays only the search and the page. The command
starts a new interpreter every time, so it also pays its start-up: imports, opening the
database, and segmenting the query -- with the jieba dictionary from the per-user word store
(``db/search_words.py``) once the first call has written it. Timed: the wall time of each
command as a subprocess, and of each desk request over HTTP on 127.0.0.1 (after one untimed
warm-up request; the page a browser gets). The first command with an empty cache is timed
on its own: it loads the dictionary and writes the store.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

QUERIES = ("劳动力转移", "南疆", "和田", "有组织转移 富余劳动力", "labour transfer")


@dataclass(frozen=True)
class CliLatency:
    """Wall times in seconds: per query (median), overall median, and the reference points."""

    python_s: float  # `python -c pass`: the interpreter alone
    first_s: float  # the first `evidence search` with an empty cache (writes the word store)
    cli_s: dict[str, float]
    desk_s: dict[str, float]

    @property
    def cli_p50(self) -> float:
        return statistics.median(self.cli_s.values())

    @property
    def desk_p50(self) -> float:
        return statistics.median(self.desk_s.values())


def command() -> list[str]:
    """The installed `evidence` script beside this interpreter, else `python -m evidence.cli`."""
    script = Path(sys.executable).with_name("evidence")
    return [str(script)] if script.exists() else [sys.executable, "-m", "evidence.cli"]


def _wall(argv: list[str], env: dict[str, str]) -> float:
    """Seconds one command takes from the shell's point of view (output discarded)."""
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, timeout=300)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def desk(db: Path, env: dict[str, str], attempts: int = 3) -> Iterator[int]:
    """`evidence serve` on a free port of 127.0.0.1 until the block ends; yields the port
    (another port when the first was taken between probing and binding it)."""
    for attempt in range(1, attempts + 1):
        port = _free_port()
        with tempfile.TemporaryFile() as errors:
            server = subprocess.Popen(
                [*command(), "serve", "--db", str(db), "--port", str(port)],
                env=env, stdout=subprocess.DEVNULL, stderr=errors)
            try:
                try:
                    _wait_until_up(server, port, errors)
                except RuntimeError:
                    if server.poll() is None or attempt == attempts:
                        raise
                    continue  # it exited: most likely its port was taken meanwhile
                yield port
                return
            finally:
                server.terminate()
                server.wait(timeout=30)


def _wait_until_up(server: subprocess.Popen[bytes], port: int, errors: IO[bytes],
                   limit_s: float = 180.0) -> None:
    """Return once the desk answers; raise with its error output if it exits or never does
    (it indexes what the index lacks first)."""
    deadline = time.monotonic() + limit_s
    while True:
        try:
            _get(port, "/")
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                errors.seek(0)
                said = errors.read().decode("utf-8", "replace")[-2000:]
                raise RuntimeError(f"evidence serve did not come up on port {port} "
                                   f"(exit status {server.poll()}): {said}") from None
            time.sleep(0.1)


def _get(port: int, path: str) -> float:
    """Seconds one desk request takes, body read."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"desk answered {response.status} to {path}")
    finally:
        conn.close()
    return time.perf_counter() - started


def index(db: Path) -> int:
    """Index what the database's search index lacks (untimed: both sides would do it once)."""
    from db.engine import open_database, session_scope
    from db.search import sync_index

    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        added = sync_index(session)
    engine.dispose()
    return added


def measure(db: Path, repeats: int = 3, queries: tuple[str, ...] = QUERIES) -> CliLatency:
    """Time every query ``repeats`` times through the command and through the desk."""
    index(db)
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}  # a cold, private cache for this run
        search = [*command(), "search", "--db", str(db)]
        first = _wall([*search, queries[0]], env)
        python = statistics.median(_wall([sys.executable, "-c", "pass"], env)
                                   for _ in range(repeats))
        cli = {q: statistics.median(_wall([*search, *q.split()], env) for _ in range(repeats))
               for q in queries}
        with desk(db, env) as port:
            _get(port, "/?q=" + urllib.parse.quote("乌鲁木齐"))  # warm-up, untimed
            paths = {q: "/?q=" + urllib.parse.quote(q) for q in queries}
            served = {q: statistics.median(_get(port, paths[q]) for _ in range(repeats))
                      for q in queries}
    return CliLatency(python, first, cli, served)
