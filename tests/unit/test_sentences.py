"""Sentence splitting with exact offsets."""

from pipelines.text.sentences import MAX_QUOTE_SPAN, split_sentences


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def test_chinese_terminators_and_offsets() -> None:
    text = "和田地区转移就业。  喀什怎么样？很好！第四句；最后"
    assert split_sentences(text) == [(0, 9), (11, 17), (17, 20), (20, 24), (24, 26)]
    assert _sentences(text) == ["和田地区转移就业。", "喀什怎么样？", "很好！", "第四句；", "最后"]


def test_closing_quote_stays_and_quoted_terminators_do_not_split() -> None:
    text = "他说：“我们要转移就业。大家好！”然后走了。"
    assert _sentences(text) == ["他说：“我们要转移就业。大家好！”", "然后走了。"]
    assert _sentences("（括号内。还有）后面。") == ["（括号内。还有）后面。"]


def test_line_breaks_end_sentences_and_blank_lines_are_skipped() -> None:
    text = "  标题\n\n 第一段没有句号\r\n第二段。"
    assert split_sentences(text) == [(2, 4), (7, 14), (16, 20)]
    assert _sentences(text) == ["标题", "第一段没有句号", "第二段。"]


def test_unbalanced_quote_is_forgotten_after_the_limit() -> None:
    text = "“" + "字" * (MAX_QUOTE_SPAN + 5) + "。后一句。"
    assert len(split_sentences(text)) == 2
    assert _sentences("“短引号。后面") == ["“短引号。后面"]


def test_english_full_stops() -> None:
    text = 'Mr. Smith went to Hotan. He said "Hi. There." Then 3 left. Version 2.5 is out'
    assert _sentences(text) == [
        "Mr. Smith went to Hotan.",
        'He said "Hi. There."',
        "Then 3 left.",
        "Version 2.5 is out",
    ]
    assert _sentences("The U.S. Government said so. Then it left.") == [
        "The U.S. Government said so.",
        "Then it left.",
    ]
    assert _sentences("Fewer than expected. e.g. this one") == [
        "Fewer than expected. e.g. this one"
    ]


def test_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []
