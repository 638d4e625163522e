"""Load and validate the labelled evaluation corpus (evaluation/corpus/*.yml).

Each passage carries a document label (positive = it describes a labour transfer) and, for
positives, ``evidence``: short substrings that each sit inside one evidence sentence. Sentence
labels are derived from them with the same splitter the detector uses, so gold and predicted
sentences are the same kind of span.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipelines.text.sentences import split_sentences

DEFAULT_CORPUS = Path(__file__).resolve().parent / "corpus"
SPLITS = ("dev", "heldout")
LABELS = ("positive", "negative")
_KEYS = frozenset(("id", "split", "label", "category", "genre", "text", "evidence", "note",
                   "region"))


class CorpusError(ValueError):
    """A corpus file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Passage:
    """One labelled passage."""

    id: str
    split: str
    positive: bool
    category: str  # term family for positives, trap name or "plain" / "noise_*" otherwise
    genre: str
    text: str
    evidence: tuple[str, ...]
    region: str | None = None  # the Xinjiang region its (imagined) source declares

    def evidence_sentences(self) -> frozenset[tuple[int, int]]:
        """Spans of the sentences that contain an evidence marker."""
        spans = split_sentences(self.text)
        found = set()
        for marker in self.evidence:
            at = self.text.index(marker)
            found |= {(s, e) for s, e in spans if s <= at < e}
        return frozenset(found)


def _field(entry: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...] = ()) -> str:
    """A required string field, optionally from a closed set."""
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CorpusError(f"{where}: {key} must be a non-empty string")
    if allowed and value not in allowed:
        raise CorpusError(f"{where}: {key} {value!r} is not one of {', '.join(allowed)}")
    return value


def _passage(entry: object, where: str) -> Passage:
    """One validated passage."""
    if not isinstance(entry, dict):
        raise CorpusError(f"{where}: must be a mapping")
    if unknown := sorted(set(entry) - _KEYS):
        raise CorpusError(f"{where}: unknown field(s) {', '.join(unknown)}")
    pid = _field(entry, "id", where)
    where = f"{where} ({pid})"
    text = _field(entry, "text", where)
    evidence = entry.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e for e in evidence):
        raise CorpusError(f"{where}: evidence must be a list of strings")
    if missing := [e for e in evidence if e not in text]:
        raise CorpusError(f"{where}: evidence not in the text: {missing[0]!r}")
    positive = _field(entry, "label", where, LABELS) == "positive"
    if positive != bool(evidence):
        raise CorpusError(f"{where}: positives need evidence, negatives must have none")
    region = _field(entry, "region", where) if "region" in entry else None
    return Passage(pid, _field(entry, "split", where, SPLITS), positive,
                   _field(entry, "category", where), _field(entry, "genre", where), text,
                   tuple(evidence), region)


def _files(path: Path) -> list[Path]:
    """The corpus files at ``path`` (a directory of *.yml or one file)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise CorpusError(f"{path}: no such corpus file or directory")
    files = sorted(path.glob("*.yml"))
    if not files:
        raise CorpusError(f"{path}: no corpus files (*.yml)")
    return files


def _entries(path: Path) -> Iterator[tuple[object, str]]:
    """The raw passages of one file with their locations."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CorpusError(f"{path}: cannot read: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("passages"), list):
        raise CorpusError(f"{path}: must be a mapping with a list of passages")
    for index, entry in enumerate(data["passages"]):
        yield entry, f"{path.name}: passages[{index}]"


def load_corpus(path: Path | None = None) -> list[Passage]:
    """Every passage under ``path`` (default: the bundled corpus), ids unique."""
    passages = [_passage(e, w) for f in _files(path or DEFAULT_CORPUS) for e, w in _entries(f)]
    seen: set[str] = set()
    for passage in passages:
        if passage.id in seen:
            raise CorpusError(f"duplicate passage id {passage.id!r}")
        seen.add(passage.id)
    return passages
