"""find_metadata reads 来源/责任编辑/作者/文号 lines and the labelled date."""

from datetime import date

import pytest

from pipelines.text.metadata import PageMeta, find_metadata


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "来源：新华社  责任编辑：王某  2023-05-10",
            PageMeta(origin="新华社", editor="王某"),
        ),
        (
            "来源:新华社 责任编辑:王某 发布时间:2023-05-10 10:31",
            PageMeta(origin="新华社", editor="王某", published_at=date(2023, 5, 10)),
        ),
        ("稿源：天山网\n编辑：李某", PageMeta(origin="天山网", editor="李某")),
        ("文章来源：示例日报（记者 张某 赵某）", PageMeta(origin="示例日报", author="张某 赵某")),
        ("来源：China Daily 编辑：Li Ming", PageMeta(origin="China Daily", editor="Li Ming")),
        ("作者：张三\u3000来源：示例网", PageMeta(origin="示例网", author="张三")),
        ("【责任编辑：王某】", PageMeta(editor="王某")),
        ("来源： 责任编辑：王某", PageMeta(editor="王某")),
        ("家庭收入来源：务工", PageMeta()),
        ("记者：陈某|编辑：周某", PageMeta(author="陈某", editor="周某")),
    ],
)
def test_labelled_lines(text: str, expected: PageMeta) -> None:
    assert find_metadata(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("文号：新人社发〔2023〕12号", "新人社发〔2023〕12号"),
        ("发文字号：喀署办发[2022]5号 成文日期：2022年3月1日", "喀署办发[2022]5号"),
        ("文号：新人社发 〔2023〕 12号", "新人社发〔2023〕12号"),
        ("文号：喀署办发［2022］5号", "喀署办发[2022]5号"),  # full-width brackets
        ("关于印发方案的通知\n沙政发【2021】3号\n各乡镇：", "沙政发【2021】3号"),
        ("标题\n（新人社发〔2023〕12号）\n正文", "新人社发〔2023〕12号"),
        ("发文字号：无", None),
        ("根据《通知》（新政发〔2020〕5号）要求，做好工作。", None),  # a cited number
    ],
)
def test_doc_number(text: str, expected: str | None) -> None:
    assert find_metadata(text).doc_number == expected


def test_html_input_keeps_inline_tags_on_one_line() -> None:
    html = "<div>来源：<span>新华社</span></div><p>编辑：<b>王某</b></p><script>来源：x</script>"
    assert find_metadata(html) == PageMeta(origin="新华社", editor="王某")


def test_first_value_wins() -> None:
    assert find_metadata("来源：示例日报\n正文\n来源：示例网").origin == "示例日报"


def test_traditional_labels_keep_original_values() -> None:
    meta = find_metadata("發佈時間：2023-07-15 11:20　來源：示範文匯網　責任編輯：陳某")
    assert (meta.origin, meta.editor, meta.published_at) == (
        "示範文匯網", "陳某", date(2023, 7, 15))
