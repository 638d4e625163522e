"""The crawl lock: a second holder is refused; a killed holder's lock is taken over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evidence.services.lock import CrawlLock, LockedError


def test_second_holder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crawl.lock"
    with CrawlLock(path), pytest.raises(LockedError, match=f"pid {os.getpid()}"):
        CrawlLock(path).__enter__()
    with CrawlLock(path) as again:  # released on exit
        assert again.stale_holder is None


def test_lock_of_killed_process_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "crawl.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path\n"
         "from evidence.services.lock import CrawlLock\n"
         f"lock = CrawlLock(Path({str(path)!r})).__enter__(); print('held', flush=True); "
         "time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(LockedError):
        CrawlLock(path).__enter__()
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)
    time.sleep(0.1)
    with CrawlLock(path) as lock:
        assert lock.stale_holder is not None and lock.stale_holder["pid"] == holder.pid
        assert json.loads(path.read_text())["pid"] == os.getpid()
