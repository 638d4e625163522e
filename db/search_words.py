"""What search segments and folds with: the detector's jieba dictionary and the spelling table.

Documents are indexed with the whole dictionary loaded (a crawl has it loaded anyway). A query
is a few words: a process that only searches (`evidence search`) segments it through the word
store (``pipelines.text.wordstore``), a file in the private per-user cache directory holding
the very same frequencies -- so the very same tokens -- without loading the dictionary. The
first search after an install or a lexicon change loads the dictionary and writes the store;
its file name carries the digest of everything it derives from (jieba and OpenCC as installed,
the lexicon files, the code of ``pipelines.text``), so a change makes a new one.

English words are folded to one spelling (``pipelines.text.spelling``): the table of place
romanisations comes from the lexicon, or from the word store in a process that did not load it.
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipelines.text.cache import cache_dir
from pipelines.text.lexicon import load_lexicon
from pipelines.text.segment import Segmenter, WordGraph
from pipelines.text.spelling import Spellings, place_spellings
from pipelines.text.wordstore import WordStore, open_store, write_store

STORE_FORMAT = b"search-words 1"  # bump when the store's contents change meaning


@lru_cache(maxsize=1)
def segmenter() -> Segmenter:
    """The detector's segmenter (lexicon terms as user words), shared with the crawl."""
    from pipelines.text.flag import Matcher

    return Segmenter(Matcher(load_lexicon()).zh_keys)


@lru_cache(maxsize=1)
def full_graph() -> WordGraph:
    """The word graph with the whole dictionary loaded in this process."""
    return segmenter().graph()


def graph(short: bool = False) -> WordGraph:
    """The loaded dictionary; for a short text (a query) the word store while it is not
    loaded, writing the store when there is none yet."""
    if not short or full_graph.cache_info().currsize:
        return full_graph()
    stored = _stored_graph()
    if stored is not None:
        return stored
    save_store()
    return full_graph()


@lru_cache(maxsize=1)
def _stored_graph() -> WordGraph | None:
    """The word graph over this dictionary's word store, if one is cached."""
    store = _store()
    return WordGraph(store, store.total) if store is not None else None


@lru_cache(maxsize=1)
def _store() -> WordStore | None:
    """The word store built from the current inputs, if the cache holds one."""
    directory = cache_dir()
    return open_store(directory, inputs_digest()) if directory is not None else None


def save_store() -> Path | None:
    """Write the word store of the loaded dictionary (None: no private cache directory)."""
    directory = cache_dir()
    if directory is None:
        return None
    loaded = full_graph()
    if not isinstance(loaded.freq, dict):
        return None
    places = place_spellings(load_lexicon())
    return write_store(directory, inputs_digest(), loaded.freq, loaded.total,
                       {"places": places})


@lru_cache(maxsize=1)
def spellings() -> Spellings:
    """The spelling table: from the word store in a process that only searches, else from
    the lexicon (the same table, built from the same files)."""
    store = _store() if not full_graph.cache_info().currsize else None
    if store is not None:
        return Spellings(store.table("places"))
    return Spellings(place_spellings(load_lexicon()))


@lru_cache(maxsize=1)
def inputs_digest() -> str:
    """Digest of what the store derives from: jieba and OpenCC as installed (their files'
    sizes and times), the bundled lexicon and the code of pipelines.text (their bytes, read
    as package resources: also inside a zipped egg)."""
    digest = hashlib.sha256(STORE_FORMAT)
    for package in ("jieba", "opencc"):
        spec = importlib.util.find_spec(package)
        for path in sorted(Path(spec.origin).parent.iterdir()) if spec and spec.origin else ():
            if path.is_file():
                info = path.stat()
                digest.update(f"{package}/{path.name}:{info.st_size}:{info.st_mtime_ns}".encode())
    sources = [*resources.files("pipelines.text").iterdir(),
               *(resources.files("pipelines") / "lexicon").iterdir()]
    for source in sorted(sources, key=lambda t: t.name):
        if source.name.endswith((".py", ".yml")) and source.is_file():
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:20]
