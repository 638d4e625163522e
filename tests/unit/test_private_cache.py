"""The private per-user cache directory: created 0700, never one another user could write; jieba
keeps its dictionary cache there (not in the shared /tmp), and the character tables of
normalisation are read back from it -- the same tables, without rebuilding them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import jieba
from jieba import finalseg

from pipelines.text import cache, normalise, segment


def test_cache_directory_is_private(private_cache: Path) -> None:
    assert cache.cache_dir() == private_cache
    assert stat.S_IMODE(private_cache.stat().st_mode) == 0o700
    private_cache.chmod(0o755)  # made by hand, or by an older release
    assert cache.cache_dir() == private_cache
    assert stat.S_IMODE(private_cache.stat().st_mode) == 0o700


def test_a_cache_directory_that_is_not_ours_is_not_used(private_cache: Path) -> None:
    private_cache.parent.mkdir(parents=True)
    elsewhere = private_cache.parent / "elsewhere"
    elsewhere.mkdir()
    private_cache.symlink_to(elsewhere)  # a link planted where the directory goes
    assert cache.cache_dir() is None
    assert cache.cache_path("x").parent == cache.scratch_dir() != private_cache
    assert stat.S_IMODE(cache.scratch_dir().stat().st_mode) == 0o700
    assert cache.cached("table", "key", lambda: {"a": "b"}) == {"a": "b"}  # just built
    if os.geteuid() == 0:  # root can give it away: another user's directory is refused too
        private_cache.unlink()
        private_cache.mkdir(mode=0o700)
        os.chown(private_cache, 65534, 65534)
        assert cache.cache_dir() is None


def test_jieba_keeps_its_dictionary_cache_in_the_private_directory(private_cache: Path) -> None:
    tokenizer = segment._tokenizer(frozenset({"只为这个测试的词"}))  # a new tokenizer
    assert Path(tokenizer.cache_file) == private_cache / segment.JIEBA_CACHE
    assert (private_cache / segment.JIEBA_CACHE).is_file()


def test_character_tables_are_cached_and_unchanged(private_cache: Path) -> None:
    built = normalise._build_fold_table(), normalise._traditional_chars()
    for name, build in (("fold-table", normalise._build_fold_table),
                        ("traditional-chars", normalise._traditional_chars)):
        first = cache.cached(name, normalise._tables_key(), build)  # writes
        assert cache.cached(name, normalise._tables_key(), lambda: {}) == first  # reads
        assert (private_cache / f"{name}.marshal").is_file()
    assert cache.cached("fold-table", "another key", dict) == {}  # a changed key: rebuilt
    assert built == (normalise._build_fold_table(), normalise._traditional_chars())


def test_jieba_patterns_are_copied_exactly() -> None:
    assert (segment._HAN.pattern, segment._HAN.flags) == (
        jieba.re_han_default.pattern, jieba.re_han_default.flags)
    assert (segment._SKIP.pattern, segment._SKIP.flags) == (
        jieba.re_skip_default.pattern, jieba.re_skip_default.flags)
    assert segment._HMM_SKIP.pattern == finalseg.re_skip.pattern
    for run in ("labour", "abc123", "x.y", "2.5%", "3.2万人次", "买买提", "a-b c"):
        assert segment._hmm(run) == tuple(finalseg.cut(run)), run
