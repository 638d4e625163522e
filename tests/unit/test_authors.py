"""Authors: reporter lines, 文/, posters, closing names, By-lines, meta tags; never the editor."""

import json
from pathlib import Path

import pytest

from pipelines.text.authors import (
    clean_byline,
    closing_name,
    english_byline,
    english_head_byline,
    han_names,
    name_line,
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
     "english_meta_author_url_date", "news_editor_only", "blog_table_layout_gb2312",
     "essay_name_under_title_gbk", "portal_bracketed_writer_gb2312", "gov_xxgk_organ_next_cell",
     "english_by_alone_jsonld"],
)
def test_fixture_authors(name: str) -> None:
    want = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    doc = extract_document((FIXTURES / f"{name}.html").read_bytes(), want["content_type"],
                           want["url"])
    assert (doc.author or "") == want["author"]


# Rules added with the second author round of issue 17: each failed before it.


def test_every_writer_of_a_byline_block() -> None:
    # 记者, 通讯员 and 实习生 all wrote the report; consecutive byline lines add up
    assert reporter(["本报实习生 刘某某 周某", "本报记者 王某某 方某", "2003-7-24 钱江晚报"]) == (
        "刘某某 周某 王某某 方某")
    assert reporter(["记者 张小明 通讯员 李小红"]) == "张小明 李小红"
    assert find_metadata("（记者 张小明 通讯员 李小红）").author == "张小明 李小红"
    assert reporter(["本报记者 张小明 摄影 李小红"]) == "张小明"  # the photographer is not


def test_bracketed_writer_before_the_source() -> None:
    # 搜狐 2004–2005: "[ 黄某 ] 来源：[ 国际金融报 ]", sometimes with an icon glyph between
    assert reporter(["[ 黄某某 ] 来源：[ 示例金融报 ]"]) == "黄某某"
    assert reporter(["[ 黄某某 ]\ue5c2 来源：[ 示例金融报 ]\ue5c2"]) == "黄某某"
    assert reporter(["[ 相关新闻 ] 来源：[ 示例金融报 ]"]) is None


def test_names_alone_under_the_title() -> None:
    assert name_line(["胡某平", "——副标题"]) == "胡某平"
    assert name_line(["赵某东、风某天"]) == "赵某东 风某天"
    assert name_line(["欧阳某某"]) == "欧阳某某"
    assert name_line(["国内新闻"]) is None  # a section, not a person
    assert name_line(["关闭"]) is None
    assert name_line(["江苏"]) is None
    assert name_line(["茉莉花开"]) is None  # no common surname: not taken


def test_name_under_the_title_in_a_page() -> None:
    html = ("<html><head><title>示例论坛</title></head><body><div>首页 | 文集</div>"
            "<h2>论公共生活的边界</h2><div>胡某平</div><div>——副标题一则</div>"
            f"<div><p>{BODY}</p><p>{BODY}</p></div></body></html>")
    assert extract_html(html, "https://x.cn/a.html").author == "胡某平"


def test_labelled_value_on_the_next_line() -> None:
    # a table's label cell "作者：" with the name in the next cell
    assert find_metadata("作者：\n安某尼\n7 分钟").author == "安某尼"
    assert find_metadata("作者：\nsize=\"20\"\n来源：").author is None  # not a name
    assert find_metadata("作者：\nJohn Roe\n").author == "John Roe"


def test_issuing_organ_is_a_government_documents_author() -> None:
    text = ("索 引 号：\n11650000/2022-00426\n发文机关：\n沙泉县人民政府\n成文日期：\n"
            "2022年01月27日\n发文字号：\n沙政发〔2022〕1号")
    assert find_metadata(text).organ == "沙泉县人民政府"
    assert find_metadata(text).author is None
    html = (f"<html><body><table><tr><td>发文机关：</td><td>沙泉县人民政府</td></tr></table>"
            f"<h1>关于做好转移就业工作的通知</h1><p>{BODY}</p><p>{BODY}</p></body></html>")
    assert extract_html(html, "https://x.cn/a.html").author == "沙泉县人民政府"
    person = html.replace("<h1>", "<p>作者：李某某</p><h1>")
    assert extract_html(person, "https://x.cn/a.html").author == "李某某"  # a person wins


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (["By", "Mike Roe", "2019-11-18T20:51:19Z"], "Mike Roe"),
        (["by", "Jane Doe", "@janedoe", "Nov 18, 2019"], "Jane Doe"),
        (["By", "Matt Doe", ",", "Min Roe", "on Monday, November 18th, 2019"],
         "Matt Doe and Min Roe"),
        (["Posted by", "Vortex", "Leave a comment"], "Vortex"),
        (["By Tess Roe - 11/19/19 06:56 AM EST"], "Tess Roe"),
        (["by Regan December 6, 2017"], "Regan"),
        (["By Eric Doe, IGN Staff"], "Eric Doe"),
        (["By Meg RoeStaff Writer"], "Meg Roe"),
        (["Monday November 18, 2019 7:45 am PST by Joe Roe"], "Joe Roe"),
        (["October 15, 2018/0 Comments/in News /by jdadmin"], "jdadmin"),
        (["Written by Rachael Doe, MS, RD on November 14, 2019"], "Rachael Doe"),
        (["Analysis by Chris Roe, CNN Editor-at-large"], "Chris Roe"),
        (["By HNN Staff | November 18, 2019 at 2:26 PM HST"], "HNN Staff"),
        (["Photo by Getty Images"], None),
        (["The boss had been out of work since being sacked by Example United in 2018."], None),
        (["Supported by", "Continue reading the main story"], None),
        (["By the end of"], None),
    ],
)
def test_english_bylines_under_the_title(head: list[str], expected: str | None) -> None:
    assert english_head_byline(head) == expected


def test_byline_cleaning() -> None:
    assert clean_byline("Jill Doe, CNN Business") == "Jill Doe"
    assert clean_byline("Troy L. Roe, Example.com") == "Troy L. Roe"
    assert clean_byline("Jonathan RoeFOXBusiness") == "Jonathan Roe"
    assert clean_byline("Natasha Doe@NatashaDoe") == "Natasha Doe"
    assert clean_byline("name, email@example.com") is None  # a template's placeholder


ARTICLE = "<p>" + " ".join(["The council met on Tuesday to discuss the budget."] * 8) + "</p>"


def test_json_ld_person_author_printed_on_the_page() -> None:
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
          '"NewsArticle", "headline": "Budget", "author": [{"@type": "Person", "name": '
          '"Sarah E. Roe"}], "publisher": {"@type": "Organization", "name": "Example Daily"}}'
          "</script>")
    page = (f"<html><head>{ld}</head><body><h1>Council passes the budget</h1>"
            f"<div>BYLINE</div><article>{ARTICLE}</article></body></html>")
    assert extract_html(page.replace("BYLINE", "Sarah E. Roe"), "https://x.com/a").author == (
        "Sarah E. Roe")
    # not printed on the page: not taken
    assert extract_html(page.replace("BYLINE", "Staff"), "https://x.com/a").author is None
    org = page.replace('"@type": "Person", "name": "Sarah E. Roe"',
                       '"@type": "Organization", "name": "Example Daily"')
    assert extract_html(org.replace("BYLINE", "Example Daily"), "https://x.com/a").author is None


def test_meta_author_after_a_profile_url_meta() -> None:
    head = ('<meta property="article:author" content="https://www.facebook.com/x">'
            '<meta name="author" content="Natasha Doe, Example Business">')
    page = f"<html><head>{head}</head><body><h1>Title</h1>{ARTICLE}</body></html>"
    assert extract_html(page, "https://x.com/a").author == "Natasha Doe"


def test_trafilatura_author_last_and_only_off_chinese_pages() -> None:
    # no By-line, no meta: the names in elements classed as author, desks left out
    names = ('<div class="byline"><span class="author-name">Kevin Roe</span>; '
             '<span class="author-name">Ap Sports Writer</span></div>')
    page = (f"<html><head><title>Budget</title></head><body><h1>Council passes the budget</h1>"
            f'{names}<div class="story">{ARTICLE}</div></body></html>')
    assert extract_html(page, "https://x.com/a").author == "Kevin Roe"
    chinese = page.replace(ARTICLE, f"<p>{BODY}</p><p>{BODY}</p><p>{BODY}</p>")
    assert extract_html(chinese, "https://x.cn/a").author is None  # its guesses there are sites
