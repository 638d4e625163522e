"""Where the store stage's writes run: one writer process shared by every source of a crawl.

Storing a page (the database rows, the search index's jieba tokens, the near-duplicate
fingerprint, the raw file and the WARC record) costs about as much CPU as fetching, extracting
and detecting it. In a thread, both halves share one interpreter lock, so a crawl uses one core;
in a process of its own, storage runs on a second core. The process is forked from the crawl,
so it starts at once with the code already imported; it serves every source of the crawl in
turn (writes are serialised anyway: one database), and it dies with the crawl.
``EVIDENCE_STORE_PROCESS=0`` (or a single core, or a system other than Linux) keeps the
writer in a thread.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_lock = threading.Lock()
_shared: ProcessPoolExecutor | None = None
_users = 0


def wants_process(setting: str | None) -> bool:
    """Whether writes go to a process: on (1/true/yes), off (0/false/no), or auto ("" or
    None: on Linux, when this process may run on more than one core). Forking a process that
    runs threads is only safe where the system libraries allow it: macOS's do not always."""
    value = (setting or "auto").strip().lower()
    if value in ("0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    return sys.platform == "linux" and _usable_cores() > 1


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def acquire(process: bool, before_fork: Callable[[], object] | None = None) -> Executor:
    """An executor for one store stage: the shared writer process, or a thread of its own.

    ``before_fork`` loads what both processes use (the jieba dictionary), so the writer shares
    those pages with the crawl instead of loading its own copy.
    """
    global _shared, _users
    if not process:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-store")
    with _lock:
        if _shared is None:
            _shared = _start(before_fork)
        _users += 1
        return _shared


def _start(before_fork: Callable[[], object] | None) -> ProcessPoolExecutor:
    """Fork the writer process now, with the long-lived objects frozen out of its collector
    (a collection would otherwise write to, and so copy, every shared page)."""
    if before_fork is not None:
        before_fork()
    executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_die_with, initargs=(os.getpid(),))
    gc.freeze()
    try:
        executor.submit(os.getpid).result()  # the fork happens at the first call
    finally:
        gc.unfreeze()  # in the crawl; the writer keeps its copy frozen
    return executor


def shared() -> Executor | None:
    """The writer process now serving this crawl, if any."""
    return _shared


def release(executor: Executor) -> None:
    """Give an executor back; the writer process ends when its last stage is done."""
    global _shared, _users
    if executor is not _shared:
        executor.shutdown(wait=True)
        return
    with _lock:
        _users -= 1
        if _users == 0 and _shared is not None:
            _shared.shutdown(wait=True)
            _shared = None


def _die_with(parent: int) -> None:
    """In the writer process: end when the crawl process ends, even if it is killed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the crawl, which then closes us
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the parent's shutdown still ends us
        return
    if os.getppid() != parent:  # the crawl died before prctl took effect
        os._exit(1)
