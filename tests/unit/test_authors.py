"""Authors: reporter lines, 文/, posters, closing names, By-lines, meta tags; never the editor."""

import json
from pathlib import Path

import pytest

from pipelines.text.authors import (
    closing_name,
    english_byline,
    han_names,
    posted_by,
    reporter,
    written_by,
)
from pipelines.text.extract import extract_document, extract_html
from pipelines.text.metadata import find_metadata

FIXTURES = Path(__file__).parents[1] / "fixtures" / "extraction"
BODY = "沙泉县今年组织农村劳动力转移就业三千二百人次，其中有组织转移一千五百人。"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("□ 本报记者 葛灵丹", "葛灵丹"),
        ("光明日报记者 王建宏 张文攀", "王建宏 张文攀"),
        ("新京报记者 彭冲 山东冠县报道", "彭冲"),
        ("本报记者罗科苏盈发自北京", "罗科苏盈"),
        ("顶端新闻·河南商报记者马俊峰/文受访者供图", "马俊峰"),
        ("记者 刘涛", "刘涛"),
        ("《棱镜》作者 周纯", "周纯"),
        ("记者调查", None),  # a column's name
        ("记者了解到，这批务工人员已全部上岗。", None),  # a sentence
        ("责任编辑：记者 王某", None),  # an editor line
    ],
)
def test_reporter_lines(line: str, expected: str | None) -> None:
    assert reporter([line]) == expected


def test_names() -> None:
    assert han_names("宋怡 杨志华 阅读(1660)") == "宋怡 杨志华"
    assert han_names("赵 培") == "赵培"  # one name typeset with a space
    assert han_names("陈智 整合") == "陈智"
    assert han_names("阅读 评论") is None


def test_written_posted_closing_and_english() -> None:
    assert written_by(["【文/观察者网专栏作者 王文】"]) == "王文"
    assert written_by(["文：眉间尺"]) == "眉间尺"
    assert posted_by("本贴由大卫于2005年8月12日16:12:21在〖心灵体操〗发表.") == "大卫"
    assert posted_by("ggjjzhzz 发表于 2005-9-15 11:46:00") == "ggjjzhzz"
    assert posted_by("楼主 发表于 2012-5-5 04:33:46") is None
    assert posted_by("希望以后多多交流。 发表于 2004-12-27 12:40") is None
    assert closing_name(f"{BODY}\n{BODY}（袁源）", []) == "袁源"
    assert closing_name(BODY, ["导航", BODY, "（袁源）", "版权所有"]) == "袁源"
    assert closing_name(f"{BODY}（待续）", []) is None
    assert english_byline(["Home", "By Jane Doe and John Roe", "Published"]) == (
        "Jane Doe and John Roe")
    assert english_byline(["by the way, nothing here"]) is None


def test_labelled_author_values() -> None:
    assert find_metadata("作者：宋怡 杨志华 阅读(1660)").author == "宋怡 杨志华"
    assert find_metadata("作者:zboygirl 阅读(1660)").author == "zboygirl"
    assert find_metadata("执笔人：闵乐夫 赵兰波").author == "闵乐夫 赵兰波"
    question = "记者：首先欢迎你来到新华网接受我们的采访，请谈谈企业的情况。"
    assert find_metadata(question).author is None  # an interview's question, not a byline
    assert find_metadata("（记者陈智 整合）").author == "陈智"


def test_the_editor_is_never_the_author() -> None:
    html = (f"<html><body><h1>标题</h1><p>{BODY}</p><p>（责任编辑：钱编辑）</p>"
            "<p>编辑：孙编辑</p></body></html>")
    assert extract_html(html, "https://x.cn/a.html").author is None


def test_meta_author_but_not_a_profile_url() -> None:
    head = '<meta name="author" content="{}">'
    page = f"<html><head>{head}</head><body><h1>Title</h1><p>{BODY}</p></body></html>"
    assert extract_html(page.format("Mary Major"), "https://x.cn/a").author == "Mary Major"
    assert extract_html(page.format("https://facebook.com/x"), "https://x.cn/a").author is None


@pytest.mark.parametrize(
    "name",
    ["state_media_template", "county_news_author_editor", "company_news_big5", "english_byline",
     "english_meta_author_url_date", "news_editor_only", "blog_table_layout_gb2312"],
)
def test_fixture_authors(name: str) -> None:
    want = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    doc = extract_document((FIXTURES / f"{name}.html").read_bytes(), want["content_type"],
                           want["url"])
    assert (doc.author or "") == want["author"]
