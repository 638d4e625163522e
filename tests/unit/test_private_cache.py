"""The private per-user cache directory: created 0700, never one another user could write; jieba
keeps its dictionary cache there (not in the shared /tmp, where a planted one would change what
is detected), and the character tables of normalisation are read back from it -- the same
tables, without rebuilding them."""

from __future__ import annotations

import io
import json
import marshal
import os
import stat
import subprocess
import sys
from pathlib import Path

import jieba
from jieba import finalseg

from pipelines.text import cache, normalise, segment

ROOT = Path(__file__).resolve().parents[2]
PASSAGE = ("新疆维吾尔自治区人力资源和社会保障厅通知：今年组织南疆富余劳动力转移就业三万人，"
           "由各县统一输送到内地企业务工。")


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


def detect(passage: Path, shared_tmp: Path, xdg: Path) -> list[dict[str, object]]:
    """`evidence detect --format json` in a subprocess whose shared temp folder is
    ``shared_tmp`` ($TMPDIR: jieba's default cache folder) and cache home ``xdg`` (new)."""
    env = {**os.environ, "TMPDIR": str(shared_tmp), "XDG_CACHE_HOME": str(xdg)}
    done = subprocess.run([sys.executable, "-m", "evidence.cli", "detect", str(passage),
                           "--format", "json"], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    [result] = json.loads(done.stdout)
    return [{key: hit[key] for key in ("start", "end", "terms", "score", "slots")}
            for hit in result["hits"]]


def test_a_jieba_cache_planted_in_the_shared_temp_folder_changes_nothing(tmp_path: Path) -> None:
    """The attack: another user of the machine writes /tmp/jieba.cache, which jieba loads by
    default, from a dictionary in which each stretch of a notice is one word; a term inside a
    word is no match, so the notice would come out clean."""
    passage = tmp_path / "notice.txt"
    passage.write_text(PASSAGE, encoding="utf-8")
    shared = tmp_path / "tmp"
    shared.mkdir()
    clean = detect(passage, shared, tmp_path / "xdg-1")
    assert clean and {"转移就业", "富余劳动力"} <= set(clean[0]["terms"])  # type: ignore[arg-type]
    assert not (shared / "jieba.cache").exists()
    stretches = PASSAGE.replace("：", "，").rstrip("。").split("，")
    dictionary = "".join(f"{stretch} 1000000000\n" for stretch in stretches).encode()
    planted = marshal.dumps(jieba.Tokenizer.gen_pfdict(io.BytesIO(dictionary)))
    (shared / "jieba.cache").write_bytes(planted)
    assert detect(passage, shared, tmp_path / "xdg-2") == clean
    assert (shared / "jieba.cache").read_bytes() == planted  # neither read nor replaced


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
