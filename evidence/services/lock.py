"""One crawl at a time: an advisory file lock that the kernel releases when its holder dies."""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

EXIT_LOCKED = 75  # EX_TEMPFAIL: cron may simply try again later


class LockedError(RuntimeError):
    """Another crawl holds the lock."""


@dataclass
class CrawlLock:
    """Hold ``path`` locked for the lifetime of a crawl (use as a context manager)."""

    path: Path
    stale_holder: dict[str, object] | None = None
    _handle: IO[str] | None = None

    def __enter__(self) -> CrawlLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until exit
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(handle)
            handle.close()
            raise LockedError(_describe(holder, self.path)) from None
        # a leftover record means its holder died without unlocking (killed): the kernel
        # released the flock, we note whom we replaced and take over
        self.stale_holder = _read_holder(handle)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(),
                                 "started": datetime.now(UTC).isoformat(timespec="seconds")}))
        handle.flush()
        self._handle = handle
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def _read_holder(handle: IO[str]) -> dict[str, object] | None:
    handle.seek(0)
    try:
        value = json.loads(handle.read() or "null")
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _describe(holder: dict[str, object] | None, path: Path) -> str:
    if not holder:
        return f"another crawl is running (lock {path})"
    return (f"another crawl is running (pid {holder.get('pid')}, started {holder.get('started')}; "
            f"lock {path})")
