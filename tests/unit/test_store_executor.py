"""The crawl's writer process: when it is used, that sources share it, that it dies with them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from pipelines import store_executor

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("setting", "expected"), [
    ("0", False), ("false", False), ("no", False), ("off", False),
    ("1", True), ("true", True), ("YES", True), ("on", True),
])
def test_setting_turns_the_process_on_or_off(setting: str, expected: bool) -> None:
    assert store_executor.wants_process(setting) is expected


def test_auto_uses_a_process_only_with_a_second_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(store_executor, "_usable_cores", lambda: 1)
    assert store_executor.wants_process("auto") is False
    assert store_executor.wants_process(None) is False
    monkeypatch.setattr(store_executor, "_usable_cores", lambda: 2)
    assert store_executor.wants_process("auto") is True
    assert store_executor.wants_process("") is True
    monkeypatch.setattr(sys, "platform", "darwin")  # forking a threaded process is not safe
    assert store_executor.wants_process("auto") is False


def test_sources_share_one_writer_process_until_the_last_lets_go() -> None:
    loaded: list[int] = []
    first = store_executor.acquire(True, before_fork=lambda: loaded.append(1))
    second = store_executor.acquire(True, before_fork=lambda: loaded.append(2))
    assert isinstance(first, ProcessPoolExecutor) and first is second
    assert loaded == [1]  # forked once, after loading what it shares
    writer_pid = first.submit(os.getpid).result()
    assert writer_pid != os.getpid()
    store_executor.release(first)
    assert second.submit(os.getpid).result() == writer_pid  # still serving the other source
    store_executor.release(second)
    assert store_executor._shared is None
    assert _gone(writer_pid, within=10)


def test_a_thread_when_asked() -> None:
    executor = store_executor.acquire(False)
    assert isinstance(executor, ThreadPoolExecutor)
    assert executor.submit(os.getpid).result() == os.getpid()
    store_executor.release(executor)


_CRAWL = """
import os, sys, time
from pipelines import store_executor
executor = store_executor.acquire(True)
print(executor.submit(os.getpid).result(), flush=True)
time.sleep(60)
"""


def test_writer_process_dies_when_the_crawl_is_killed() -> None:
    crawl = subprocess.Popen([sys.executable, "-c", _CRAWL], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE)
    assert crawl.stdout is not None
    writer_pid = int(crawl.stdout.readline())
    assert _alive(writer_pid)
    crawl.send_signal(signal.SIGKILL)
    crawl.wait(timeout=10)
    assert _gone(writer_pid, within=10)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False
