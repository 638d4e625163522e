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


def test_chinese_quotes_and_brackets_of_every_kind_stay_whole() -> None:
    text = ("他说「转移就业。很好！」随后离开。"
            "书名《关于劳动力转移。的通知》已印发；（注：见附件。）完")
    # a quote or bracket that closes right after a terminator ends the sentence with it
    assert _sentences(text) == [
        "他说「转移就业。很好！」",
        "随后离开。",
        "书名《关于劳动力转移。的通知》已印发；",
        "（注：见附件。）",
        "完",
    ]
    assert _sentences("『甲。乙』丙！丁") == ["『甲。乙』丙！", "丁"]


def test_terminator_runs_and_full_width_offsets() -> None:
    text = "真的吗？！是的……好。\r\n英文 Hotan. Next"
    assert _sentences(text) == ["真的吗？！", "是的……好。", "英文 Hotan.", "Next"]
    for start, end in split_sentences(text):
        assert text[start:end] == text[start:end].strip()


def test_navigation_lines() -> None:
    from pipelines.text.sentences import looks_like_navigation

    assert looks_like_navigation("首页 | 要闻 | 政务公开 | 劳动力转移就业 | 社会保障")
    assert looks_like_navigation("当前位置：首页 > 新闻中心 > 工作动态 > 正文")
    assert not looks_like_navigation("首页 | 要闻。")  # a terminator: prose
    assert not looks_like_navigation("和田地区有组织转移农村富余劳动力1200人到内地就业")
