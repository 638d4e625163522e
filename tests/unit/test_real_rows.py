"""The real development set's rows (evaluation/real/*.csv) stay well formed and broad enough."""

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "evaluation" / "real"))

import score  # noqa: E402


def test_rows_are_many_varied_and_unique() -> None:
    rows = score.load_rows()
    assert len(rows) >= 150
    labels = Counter(row.label for row in rows)
    assert labels["positive"] >= 50 and labels["negative"] >= 50
    assert {row.script for row in rows} == {"hans", "hant", "latin"}
    assert {row.split for row in rows} == {"dev", "heldout"}
    urls = [row.url for row in rows]
    assert len(urls) == len(set(urls)), "one row per page"


def test_constructions_are_our_words() -> None:
    """A construction may name a term, never quote a page: no Chinese run over 6 characters."""
    for row in score.load_rows():
        assert row.construction and not re.search(r"[\u4e00-\u9fff]{7,}", row.construction), row.id
