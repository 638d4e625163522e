"""The word store: a query is segmented without loading jieba's dictionary, always into the
same tokens as the loaded dictionary gives (the store lives in the private cache directory)."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import search_words
from pipelines.text.segment import Segmenter, WordGraph
from pipelines.text.wordstore import open_store

TEXTS = ["劳动力转移", "有组织转移 富余劳动力", "勞動力轉移就業", "职业技能教育培训中心",
         "阿卜杜热合曼·买买提", "labour-transfer 2.5% Uighur 3.2万人次", "南疆四地州", "专列",
         "电解铝 abc123 x.y", "和田地区今年有组织转移农村富余劳动力1200人。"]


@pytest.fixture()
def search_cache(private_cache: Path) -> Iterator[Path]:
    """The private cache in tmp_path, with the search words' caches emptied around the test."""
    cached = (search_words._store, search_words._stored_graph, search_words.spellings)
    for function in cached:
        function.cache_clear()
    yield private_cache
    for function in cached:
        function.cache_clear()


def test_word_store_segments_exactly_like_the_loaded_dictionary(search_cache: Path) -> None:
    assert search_words.graph(short=True) is search_words.full_graph()  # no store yet
    path = search_words.save_store()
    assert path is not None and path.parent == search_cache
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
    store = open_store(search_cache, search_words.inputs_digest())
    assert store is not None
    loaded, stored = search_words.full_graph(), WordGraph(store, store.total)
    for text in TEXTS:
        folded = text.lower()
        assert stored.ends(folded) == loaded.ends(folded), text
        assert stored.ends(folded) == list(_jieba_ends(folded)), text
    assert store.table("places") == search_words.spellings().places


def _jieba_ends(text: str) -> Iterator[int]:
    """End offsets of jieba's own tokens, with the search's user words."""
    segmenter: Segmenter = search_words.segmenter()
    return (end for _, end in segmenter.jieba_tokens(text))
