"""jieba segmentation, full and lazy."""

import pytest

from pipelines.text.segment import Segmentation, Segmenter


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter(["劳转", "和田", "有组织转移", "农村富余劳动力", "转移就业"])


def test_user_words_stay_whole(segmenter: Segmenter) -> None:
    text = "有组织转移农村富余劳动力"
    assert segmenter.tokens(text) == [(0, 5), (5, 12)]
    assert segmenter.tokens("") == []


def test_full_boundaries(segmenter: Segmenter) -> None:
    text = "疲劳转向。他的劳转工作"
    edges = segmenter.full_boundaries(text)
    assert {0, 2, 4, 5, 7, 9, 11} <= edges
    assert 3 not in edges


def test_lazy_segmentation_only_touches_needed_sentences(segmenter: Segmenter) -> None:
    text = "他因疲劳转向失控。和田的劳转工作。第三句无关内容。"
    view = Segmentation(text, segmenter)
    assert view.respects_boundaries(3, 5) is False  # 劳转 inside 疲劳/转向
    assert view.segmented == ((0, 9),)
    assert view.respects_boundaries(12, 14) is True
    assert view.respects_boundaries(9, 11) is True  # 和田
    assert view.segmented == ((0, 9), (9, 17))


def test_lazy_matches_full_boundaries(segmenter: Segmenter) -> None:
    text = "和田地区有组织转移农村富余劳动力。他因疲劳转向失控。"
    view = Segmentation(text, segmenter)
    full = segmenter.full_boundaries(text)
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + 8) + 1):
            assert view.respects_boundaries(start, end) == (start in full and end in full)
