"""Lexicon matching, figures and scoring."""

import pytest

from pipelines.text.flag import Entry, Match, Matcher, find_figures, keep_longest
from pipelines.text.lexicon import load_lexicon
from pipelines.text.normalise import fold_for_matching
from pipelines.text.score import (
    CORE,
    THRESHOLD,
    UNANCHORED_FACTOR,
    document_score,
    event_score,
    is_flagged,
)
from pipelines.text.segment import Segmentation, Segmenter


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_lexicon())


@pytest.fixture(scope="module")
def segmenter(matcher: Matcher) -> Segmenter:
    return Segmenter(matcher.zh_keys)


def _found(matcher: Matcher, segmenter: Segmenter, text: str) -> list[tuple[int, int, str, str]]:
    normalised = fold_for_matching(text)
    matches = matcher.find(normalised, Segmentation(normalised, segmenter))
    return [(m.start, m.end, m.entry.canonical, m.entry.category) for m in matches]


def test_longest_match_and_boundaries(matcher: Matcher, segmenter: Segmenter) -> None:
    assert _found(matcher, segmenter, "和田地区有组织转移农村富余劳动力") == [
        (0, 4, "和田", "place"),
        (4, 9, "有组织转移", "organised_transfer"),
        (9, 16, "农村富余劳动力", "surplus_labour"),
    ]


def test_word_inside_another_word_is_rejected(matcher: Matcher, segmenter: Segmenter) -> None:
    assert _found(matcher, segmenter, "司机因疲劳转向失控。") == []
    assert _found(matcher, segmenter, "他负责劳转工作。") == [(3, 5, "劳转", "transfer")]


def test_traditional_and_misspelling(matcher: Matcher, segmenter: Segmenter) -> None:
    assert _found(matcher, segmenter, "喀什地區轉移就業") == [
        (0, 4, "喀什", "place"),
        (4, 8, "转移就业", "transfer"),
    ]
    assert _found(matcher, segmenter, "组织富裕劳动力外出") == [
        (0, 2, "组织", "organiser"),
        (2, 7, "富余劳动力", "surplus_labour"),
    ]


def test_companies_and_stock_codes(matcher: Matcher, segmenter: Segmenter) -> None:
    found = _found(matcher, segmenter, "天山铝业（002532.SZ）与Tianshan Aluminum")
    name = "新疆生产建设兵团农八师天山铝业"
    assert found == [(0, 4, name, "company"), (5, 14, name, "company"), (16, 33, name, "company")]
    assert _found(matcher, segmenter, "编号1002532") == []


def test_english_word_boundaries(matcher: Matcher, segmenter: Segmenter) -> None:
    text = "Surplus laborers from Hotan; no match in Hotanese or lies."
    assert _found(matcher, segmenter, text) == [
        (0, 16, "surplus labor", "surplus_labour"),
        (22, 27, "hotan", "place"),
    ]


def test_trap_and_counter_terms(matcher: Matcher, segmenter: Segmenter) -> None:
    assert _found(matcher, segmenter, "电解铝产能转移") == [(0, 7, "产能转移", "trap")]
    assert _found(matcher, segmenter, "中央财政转移支付") == [(4, 8, "转移支付", "trap")]
    assert _found(matcher, segmenter, "所谓“强迫劳动”") == [(0, 8, "所谓强迫劳动", "counter")]


def test_figures() -> None:
    text = fold_for_matching("转移2.8万人，292,000 人，5100余名，30趟专列，１２００人，2020年")
    assert [text[s:e] for s, e in find_figures(text)] == [
        "2.8万人",
        "292,000 人",
        "5100余名",
        "30趟",
        "1200人",
    ]
    english = "1,200 workers and 2.8 million rural laborers, in 2020 people"
    assert [english[s:e] for s, e in find_figures(english)] == [
        "1,200 workers",
        "2.8 million rural laborers",
        "2020 people",
    ]


def test_keep_longest() -> None:
    entry = Entry("x", "transfer", 1.0)
    short, long_, other = Match(0, 2, entry), Match(1, 5, entry), Match(5, 7, entry)
    assert keep_longest([short, other, long_], 10) == [long_, other]


def test_event_score_arithmetic() -> None:
    assert event_score([], specific_origin=False) == CORE
    assert event_score(["who", "move", "origin"], specific_origin=False) == CORE + 0.5
    assert event_score(["who", "move", "origin"], specific_origin=True) == CORE + 1.0
    every = ["origin", "destination", "organiser", "figure", "programme", "control"]
    assert event_score(every, specific_origin=True) == CORE + 1 + 1 + 1 + 1 + 0.5 + 0.5


def test_document_score_and_threshold() -> None:
    assert document_score([4.0, 2.0, 2.0], True, True, []) == 5.5
    assert document_score([4.0, 2.0, 2.0], False, True, []) == 5.5 * UNANCHORED_FACTOR
    # rebuttal words count only where no event is concrete
    assert document_score([4.0], True, True, [-2.5, -2.0]) == 4.0
    assert document_score([4.0], True, False, [-2.5, -2.0]) == 0.0
    assert document_score([], True, False, []) == 0.0
    assert is_flagged(THRESHOLD) and not is_flagged(THRESHOLD - 0.001)
    assert not is_flagged(THRESHOLD * 2, anchored=False)
