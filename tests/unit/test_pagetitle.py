"""The title as printed above the text: without a site suffix, uncut, or the headline line."""

import json
from pathlib import Path

import pytest

from pipelines.text.extract import extract_document
from pipelines.text.pagetitle import printed_title

FIXTURES = Path(__file__).parents[1] / "fixtures" / "extraction"
BODY = "沙泉县今年组织农村劳动力转移就业三千二百人次，其中有组织转移一千五百人。"
TITLE = "沙泉县召开劳务输出工作会议"


def page(*head: str) -> str:
    return "\n".join([*head, BODY])


@pytest.mark.parametrize(
    ("text", "candidates", "guess", "expected"),
    [
        (page("首页", TITLE, "发布日期：2009-03-12"), [TITLE + "--沙泉县人民政府"], True, TITLE),
        (page('多地项目爆雷 龙湖集团"暗伤"曝露？'), ["多地项目爆雷 龙湖集团"], True,
         '多地项目爆雷 龙湖集团"暗伤"曝露？'),  # a title cut at its quote
        (page("当前位置：首页 > 新闻", TITLE, "2009-03-12"), ["沙泉县人民政府"], True, TITLE),
        (page(TITLE, "2009-03-12"), ["沙泉县人民政府"], False, None),  # a page with an <h1>
        (page("首页 政务公开 通知公告", "分享到微信朋友圈", "沙政发〔2023〕12号"), ["站点"], True,
         None),
        # an essay's subtitle under its headline and writer's name is not the headline
        (page("首页 | 文集", TITLE, "胡某平", "——写在图书馆重新开放之际"), ["示例文集"], True,
         TITLE),
        # ... and a headline too short to guess otherwise is the line above name and subtitle
        (page("首页 | 文集", "论边界", "胡某平", "——写在图书馆重新开放之际"), ["显示"], True,
         "论边界"),
    ],
)
def test_printed_title(text: str, candidates: list[str], guess: bool, expected: str | None) -> None:
    assert printed_title(text, BODY, candidates, guess=guess) == expected


@pytest.mark.parametrize(
    "name", ["gov_table_portal_gb2312", "gov_url_date_only", "blog_table_layout_gb2312",
             "company_news_big5", "state_media_template", "forum_thread_gbk",
             "essay_name_under_title_gbk", "portal_bracketed_writer_gb2312",
             "english_by_alone_jsonld"],
)
def test_fixture_titles(name: str) -> None:
    want = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    doc = extract_document((FIXTURES / f"{name}.html").read_bytes(), want["content_type"],
                           want["url"])
    assert doc.title == want["title"]
