"""jieba's word frequencies in a SQLite file, looked up one word at a time.

Loading jieba's dictionary takes about a second (half a million words and prefixes), which a
short-lived process segmenting a few words -- `evidence search` segmenting its query -- pays on
every call. Segmenting a short text only asks for the frequencies of its own substrings, so a
``WordStore`` (one file per dictionary, in the private cache directory; see
``pipelines.text.cache``) answers those from an indexed table: the same numbers, so the same
tokens as the loaded dictionary, without loading it. A store also keeps small named tables
derived from the same inputs (e.g. the search's spelling table) as JSON.

A store is written whole to a temporary file and renamed into place, so a reader never sees a
half-written one; its name carries the digest of what it was built from, so a lexicon or
program change simply makes a new one (older stores are removed when a new one is written).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PREFIX = "words-"
SUFFIX = ".sqlite"


class WordStore:
    """Frequencies (``get`` like jieba's FREQ), the dictionary's total and named tables."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True,
                                   check_same_thread=False)
        self._seen: dict[str, int | None] = {}
        self.total = float(self.table("total"))

    def get(self, word: str, /) -> int | None:
        """The word's frequency (0: only a prefix of words), or None when neither."""
        if word not in self._seen:
            row = self._db.execute("SELECT n FROM freq WHERE word = ?", (word,)).fetchone()
            self._seen[word] = None if row is None else row[0]
        return self._seen[word]

    def table(self, name: str) -> Any:
        """A named table stored with the frequencies (JSON)."""
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise KeyError(name)
        return json.loads(row[0])

    def close(self) -> None:
        self._db.close()


def store_path(directory: Path, digest: str) -> Path:
    """The file of the store built from inputs with this digest."""
    return directory / f"{PREFIX}{digest}{SUFFIX}"


def open_store(directory: Path, digest: str) -> WordStore | None:
    """The store for ``digest``, or None when there is none (or it cannot be read)."""
    path = store_path(directory, digest)
    if not path.is_file():
        return None
    try:
        return WordStore(path)
    except (sqlite3.Error, KeyError, ValueError):
        return None


def write_store(directory: Path, digest: str, freq: Mapping[str, int], total: float,
                tables: Mapping[str, Any]) -> Path:
    """Write the store for ``digest`` (atomically) and remove older ones; return its path."""
    fd, temp = tempfile.mkstemp(prefix=PREFIX, suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        _fill(Path(temp), freq, {**tables, "total": total})
        os.replace(temp, store_path(directory, digest))
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    for old in directory.glob(f"{PREFIX}*{SUFFIX}"):
        if old != store_path(directory, digest):
            old.unlink(missing_ok=True)
    return store_path(directory, digest)


def _fill(path: Path, freq: Mapping[str, int], tables: Mapping[str, Any]) -> None:
    """Write the tables of a store into the empty file ``path``."""
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
        db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.executemany("INSERT INTO freq VALUES (?, ?)", sorted(freq.items()))
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [(name, json.dumps(value, ensure_ascii=False))
                        for name, value in tables.items()])
        db.commit()
    finally:
        db.close()
