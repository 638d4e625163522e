"""`evidence search` as a user runs it, in a fresh process: it loads what a search needs and
no more -- no crawler, Scrapy, trafilatura or Alembic; once the word store is cached, not even
jieba -- and finds the same with the dictionary loaded or from the store. No timing is
asserted: `python -m bench --cli-search` measures it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.rawstore import RawStore
from db.store import SourceInfo, ensure_source, store_batch
from tests.unit.test_search import PAGES, SOURCES, record

NEVER = ("scrapy", "twisted", "trafilatura", "alembic", "crawler", "warcio", "pdfminer",
         "pipelines.text.detect", "db.store")
# every command reads the config file; its reader lives on the crawler's floor (crawler/settings.py
# reads it too) and imports only the standard library
CONFIG_READER = {"crawler", "crawler.config_file"}
ROOT = Path(__file__).resolve().parents[2]


def small_database(path: Path) -> Path:
    """tests/unit/test_search.py's three pages in a database at ``path``."""
    url = resolve_db_url(str(path))
    engine = open_database(url)
    with session_scope(engine) as session:
        for slug, (publisher, kind) in SOURCES.items():
            ensure_source(session, SourceInfo(slug, publisher, kind, "zh", "listing"))
        store_batch(session, RawStore(data_dir_for(url)), [record(n) for n in PAGES], None)
    engine.dispose()
    return path


def run_search(db: Path, cache: Path, *query: str) -> tuple[str, set[str]]:
    """Output and imported modules of `evidence search QUERY --db DB` in a new interpreter."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "evidence.cli", "search", "--db", str(db),
         "--format", "json", *query],
        capture_output=True, text=True, env=env, timeout=300, check=True)
    modules = set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)", done.stderr, re.M))
    return done.stdout, modules


def test_search_imports_no_crawler_scrapy_or_alembic(tmp_path: Path) -> None:
    db = small_database(tmp_path / "s.db")
    found, modules = run_search(db, tmp_path / "cache", "劳动力转移")
    assert "关于南疆四地州劳动力转移就业的通知" in found
    assert "sqlalchemy" in modules and "db.search" in modules
    assert not {m for m in modules - CONFIG_READER if m.split(".")[0] in NEVER or m in NEVER}


def test_a_query_is_segmented_from_the_cached_word_store(tmp_path: Path) -> None:
    db = small_database(tmp_path / "s.db")
    first, loaded = run_search(db, tmp_path / "cache", "勞動力轉移", "南疆")
    assert "jieba" in loaded  # the first search loads the dictionary and writes the store
    again, modules = run_search(db, tmp_path / "cache", "勞動力轉移", "南疆")
    assert again == first and "南疆勞動力轉移就業穩步推進" in again
    assert not {m for m in modules if m.split(".")[0] in ("jieba", "ahocorasick")}


def test_bench_times_the_command_and_the_desk(tmp_path: Path) -> None:
    from bench.cli_search import measure

    latency = measure(small_database(tmp_path / "s.db"), repeats=1, queries=("南疆", "labour"))
    assert set(latency.cli_s) == set(latency.desk_s) == {"南疆", "labour"}
    assert latency.python_s > 0 and latency.first_s > 0  # figures only: no timing asserted
    assert latency.desk_p50 > 0 and latency.cli_p50 > 0


def test_a_desk_that_cannot_start_is_an_error_with_its_own_words(tmp_path: Path) -> None:
    from bench.cli_search import desk

    foreign = tmp_path / "notes.db"  # not a database: `evidence serve` refuses it and exits
    foreign.write_text("shopping list\n", encoding="utf-8")
    with pytest.raises(RuntimeError) as raised, desk(foreign, dict(os.environ)):
        pass
    assert "evidence serve did not come up" in str(raised.value)
    assert "exit status" in str(raised.value) and "notes.db" in str(raised.value)
