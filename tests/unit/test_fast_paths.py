"""Fast paths give exactly what they replace: jieba's tokens, "any lexicon key in the text"."""

from __future__ import annotations

import pytest

from bench.synthetic import generate
from evaluation.corpus import load_corpus
from pipelines.text.flag import any_key_pattern
from pipelines.text.normalise import fold_for_matching
from pipelines.text.segment import Segmenter

ODD = [
    "", "和", "。", " ", "\r\n", "a\r\nb\n\tc  d", "2023年5月10日，和田地区。",
    "买买提·艾力江和阿卜杜热合曼在墨玉县务工", "iPhone 15 Pro Max售价8,999元；GDP增长6.5%",
    "C++ & C# 程序员 self-driving", "勞動力轉移就業穩步推進", "㐀㐁㐂丂𠀀𠀁𪚥中文",
    "😀和田😀", "有组织转移农村富余劳动力", "疲劳转向。他的劳转工作", "——“南疆”（四地州）……",
    "ａｂｃ１２３全角", "tab\there", "\u3000\u3000全角空格", "abc-def_ghi.jkl%", "x" * 300,
]


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter(["劳转", "和田", "有组织转移", "农村富余劳动力", "转移就业", "南疆四地州"])


def test_known_tokens(segmenter: Segmenter) -> None:
    assert segmenter.tokens("有组织转移农村富余劳动力") == [(0, 5), (5, 12)]
    assert segmenter.tokens("a\r\nb") == [(0, 1), (1, 3), (3, 4)]
    assert segmenter.ends("") == []


@pytest.mark.parametrize("text", ODD)
def test_odd_texts_as_jieba(segmenter: Segmenter, text: str) -> None:
    assert segmenter.tokens(text) == segmenter.jieba_tokens(text)


def test_corpora_as_jieba(segmenter: Segmenter) -> None:
    texts = [p.text for p in load_corpus()] + [d.text for d in generate(40)]
    for text in texts:
        for variant in (text, fold_for_matching(text)):
            assert segmenter.tokens(variant) == segmenter.jieba_tokens(variant)


def test_any_key_pattern_finds_exactly_the_texts_holding_a_key() -> None:
    keys = ["劳动力转移", "劳动力", "转移就业", "专列", "a.b", "(x)", "劳务输出"]
    pattern = any_key_pattern(keys)
    assert pattern is not None and any_key_pattern([]) is None and any_key_pattern([""]) is None
    texts = [*ODD, "富余劳动", "a.b", "axb", "(x)", "劳务输", "劳务输出", "专", "开专列车"]
    texts += [fold_for_matching(d.text) for d in generate(40)]
    for text in texts:
        assert (pattern.search(text) is not None) == any(k in text for k in keys), text
