"""Peak memory of this process and all its children, sampled from /proc.

Two measures: the sum of resident set sizes (RSS), which counts a page shared by a forked
child once per process, and the proportional set size (PSS), which splits every shared page
among the processes sharing it, so the tree's PSS is the memory it actually occupies.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType


def _kb(path: str, field: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _rss_kb(pid: int) -> int:
    return _kb(f"/proc/{pid}/status", "VmRSS:")


def _pss_kb(pid: int) -> int:
    return _kb(f"/proc/{pid}/smaps_rollup", "Pss:")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _tree(pid: int | None) -> list[int]:
    todo, found = [pid or os.getpid()], []
    while todo:
        current = todo.pop()
        found.append(current)
        todo += _children(current)
    return found


def tree_rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process and its descendants (shared pages once each), in MB."""
    return sum(_rss_kb(p) for p in _tree(pid)) / 1024


def tree_pss_mb(pid: int | None = None) -> float:
    """Proportional memory of a process and its descendants, in MB."""
    return sum(_pss_kb(p) for p in _tree(pid)) / 1024


class PeakMemory:
    """Context manager sampling the process tree's RSS and PSS every ``interval`` seconds."""

    def __init__(self, interval: float = 0.2, pid: int | None = None) -> None:
        self.interval = interval
        self.pid = pid
        self.peak_mb = 0.0  # RSS
        self.peak_pss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._measure()
            self._stop.wait(self.interval)

    def _measure(self) -> None:
        self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))
        self.peak_pss_mb = max(self.peak_pss_mb, tree_pss_mb(self.pid))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        self._measure()
