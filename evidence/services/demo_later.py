"""The demo's second crawl: the demo site a day later, so that a first demo shows versions and
removals too.

`evidence demo` crawls the site as first published (never re-checking a stored page in that
state), then switches the demo server to its *later* state (one article revised, one deleted
and dropped from its listing) and crawls the news source again, re-checking every stored page
with hits: the revision becomes a second version, the deletion a recorded removal. Why both
crawls on every run rather than only on the first: the outcome then depends on nothing but the
site, so a rerun, or a run after one that was killed half-way, converges on the same documents,
versions and hits (a rerun stores nothing: the first state's pages are already stored, the later
state's answer unchanged or stay removed). Scrapy's reactor runs once per process, so the second
crawl is `evidence crawl` in a child process, sharing the database, the data directory and the
demo server (its proxy, ``EVIDENCE_DEMO_URL``) and the demo TSA (``EVIDENCE_TSA_URL``); it
renders the pages with hits it stored (``--render``) before its manifest is sealed.
"""

from __future__ import annotations

import os
import subprocess
import sys

from db.engine import resolve_db_url
from db.runs import get_run
from evidence.services.database import database_session

DEMO_PORT = 8741
LATER_SOURCES = ("demo-xinwen",)  # the demo source whose pages change a day later
NEVER = 36500.0  # days: a re-check cadence that never comes (the site as first published)


def crawl_later(db: str | None, proxy: str,
                render: bool = True) -> subprocess.CompletedProcess[str]:
    """Crawl the changed demo source again in a child process, re-checking its stored pages."""
    env = {**os.environ, "EVIDENCE_DEMO_URL": proxy, "EVIDENCE_RECHECK_DAYS": "0"}
    command = [sys.executable, "-m", "evidence.cli", "crawl", *LATER_SOURCES,
               "--db", resolve_db_url(db), "--no-progress", *(["--render"] if render else [])]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def latest_run_id(db: str | None) -> int:
    """The id of the newest crawl run (the child's)."""
    with database_session(db) as session:
        run = get_run(session)
    if run is None:
        raise RuntimeError("the demo's second crawl recorded no run")
    return run.id


def demo_port(wanted: int | None) -> int:
    """Return the requested port, else 8741 when free (stable URLs across runs), else 0."""
    import socket

    if wanted is not None:
        return wanted
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", DEMO_PORT))
        except OSError:
            return 0
    return DEMO_PORT
