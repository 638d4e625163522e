"""A private per-user cache directory for derived files (jieba's dictionary, search words).

The directory is ``$XDG_CACHE_HOME/evidence-pipeline`` (else ``~/.cache/evidence-pipeline``),
created with mode 0700. A cache file is loaded with ``marshal`` or opened as a database, so it
must be one nobody else can write: a directory owned by another user, or one that others may
write into, is not used (``cache_dir`` returns None and callers work without a cache, or in a
throw-away private directory) -- never the shared /tmp that jieba uses by default.
"""

from __future__ import annotations

import atexit
import marshal
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast

T = TypeVar("T")

NAME = "evidence-pipeline"


def _base() -> Path:
    """$XDG_CACHE_HOME when set to an absolute path (the XDG rule), else ~/.cache."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"


def _private(path: Path) -> bool:
    """Whether ``path`` is a real directory of ours that nobody else can write into."""
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    if info.st_mode & 0o077:
        os.chmod(path, 0o700)  # ours: close it (e.g. made by an older release or by hand)
    return True


def cache_dir() -> Path | None:
    """The private cache directory (created 0700 on first use), or None when unusable."""
    path = _base() / NAME
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path if _private(path) else None
    except OSError:
        return None


@lru_cache(maxsize=1)
def scratch_dir() -> Path:
    """A private directory for this process only (0700, from mkdtemp; removed at exit)."""
    path = tempfile.mkdtemp(prefix=f"{NAME}-")
    atexit.register(shutil.rmtree, path, True)
    return Path(path)


def cache_path(name: str) -> Path:
    """Where the cache file ``name`` lives: the private cache directory, else scratch."""
    return (cache_dir() or scratch_dir()) / name


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """``build()``, kept in the private cache directory (marshal) and read back while ``key``
    (what the value derives from) is unchanged; built afresh, uncached, without a cache dir."""
    directory = cache_dir()
    if directory is None:
        return build()
    path = directory / f"{name}.marshal"
    try:
        with open(path, "rb") as stored:
            found_key, value = marshal.load(stored)  # ours alone can write it (0700)
        if found_key == key:
            return cast(T, value)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    built = build()
    payload: Any = (key, built)  # marshal: str keys, sets, dicts and strings only
    _write(path, marshal.dumps(payload))
    return built


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file renamed into place)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError:
        if os.path.exists(temp):
            os.unlink(temp)
