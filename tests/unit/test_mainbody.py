"""Main text: layout tables, link blocks, boilerplate lines and the trafilatura/readability vote."""

import json
from pathlib import Path

import lxml.html
import pytest

from bench.extraction_score import f1
from pipelines.text.boilerplate import clean_lines, is_boilerplate, is_prose
from pipelines.text.consensus import merge
from pipelines.text.extract import extract_document
from pipelines.text.layout import is_layout_table, prepare

FIXTURES = Path(__file__).parents[1] / "fixtures" / "extraction"
P1 = "沙泉县今年组织农村劳动力转移就业三千二百人次，其中有组织转移一千五百人，同比增长百分之十二。"
P2 = "县人社局负责人表示，下一步将继续加强技能培训，拓宽输出渠道，确保转移人员稳定就业。"
P3 = "截至目前，全县已建立劳务工作站六个，在内地企业设立服务点十一个，专人负责跟踪服务。"


def test_layout_tables_become_blocks_and_data_tables_stay() -> None:
    page = f"""<html><body><table><tr><td><a href="/">首页</a></td></tr>
    <tr><td><table><tr><td><p>{P1}</p></td></tr></table></td></tr></table>
    <div><table><tr><td>沙泉县</td><td>12500</td></tr><tr><td>东坡区</td><td>8200</td></tr></table></div>
    </body></html>"""
    tree = prepare(page)
    tables = tree.xpath("//table")
    assert len(tables) == 1 and "12500" in tables[0].text_content()  # the data table stays
    assert P1 in tree.text_content()
    long_cell = lxml.html.fromstring(f"<table><tr><td>{P1}{P2}{P3}</td></tr></table>")
    assert is_layout_table(long_cell)


def test_link_blocks_are_dropped_but_text_with_links_stays() -> None:
    links = "".join(f'<li><a href="/{i}">相关新闻标题第{i}条</a></li>' for i in range(5))
    inline = "<a href='/a'>详情</a><a href='/b'>链接</a><a href='/c'>更多</a>"
    page = f"<html><body><ul class='related'>{links}</ul><p>{P1}{inline}</p></body></html>"
    text = prepare(page).text_content()
    assert "相关新闻标题" not in text and P1 in text


def test_a_link_list_laid_out_with_indentation_is_dropped() -> None:
    pad = "\n" + " " * 40  # a template's indentation is no text a reader sees
    heads = "".join(f"<p><b>栏目{i}</b></p>{pad}" for i in range(3))
    link = '<p><a href="/n/{0}">示例公司第{0}季度产量创新高</a></p>'
    links = "".join(link.format(i) + pad for i in range(6))
    page = f"<html><body><p>{P1}</p><div>{pad}{heads}{links}</div></body></html>"
    text = prepare(page).text_content()
    assert "产量创新高" not in text and P1 in text


@pytest.mark.parametrize(
    ("line", "boilerplate"),
    [
        ("版权所有：沙泉县人民政府 主办：沙泉县人民政府办公室", True),
        ("新ICP备05001234号 新公网安备 65000002000123号", True),
        ("【打印本页】【关闭窗口】", True),
        ("分享到：微信 微博", True),
        ("（责任编辑：钱编辑）", True),
        ("当前位置：首页 > 新闻中心", True),
        ("2019-09-08", True),
        ("- 沙泉县举办招聘会 2019-09-09 19:32", True),
        ("（原标题：沙泉县千余人赴企业就业）", True),
        ("2023年5月8日", False),  # a notice's signing date is text
        (P1, False),
        ("版权所有" + P1 + P2, False),  # a long line naming 版权所有 is text
        # licences and hotlines end a page even in a long line; the head's 发布时间 line
        ("示例日报网 滇ICP备11000001号-1 经营许可证编号：滇B-2-4-20080001 "
         "互联网新闻信息服务许可证编号：53120170001 违法和不良信息举报电话：0871-60000000", True),
        ("互联网新闻信息服务许可证编号：53120170001", True),
        ("举报邮箱：jubao@example.cn", True),
        ("发布时间：2022-02-13 04:22:18 来源：示例日报", True),
        ("发布时间：2022-02-13，全县召开会议部署春耕工作，会议要求各乡镇抓好落实。", False),
        # a news site's comment box
        ("网友评论仅供其表达个人看法，并不表明示例网立场。", True),
        ("0人跟贴 | 0人参与 | 手机发跟贴 | 注册", True),
        ("人参与", True),
        ("跟贴热词：", True),
        ("网友跟贴", True),
    ],
)
def test_boilerplate_lines(line: str, boilerplate: bool) -> None:
    assert is_boilerplate(line) is boilerplate


def test_clean_lines_cuts_at_a_late_related_heading() -> None:
    related = ["相关新闻", "沙泉县举办招聘会", "县领导慰问务工人员"]
    text = "\n".join([P1, P2, "分享到：微信", P3, *related])
    assert clean_lines(text) == "\n".join([P1, P2, P3])
    early = "\n".join(["相关新闻", P1, P2, P3])  # a heading at the top is not the end
    assert clean_lines(early) == early


def test_a_short_article_is_not_lost_to_the_comment_box() -> None:
    keyword = '<a href="/keywords/1.html">劳务输出</a>'
    body = f"<p>沙泉县今年{keyword}三千二百人次。</p><p>{P2[:20]}。</p>"
    sidebar = "".join(f'<li><a href="/n/{i}">示例公司新闻标题第{i}条</a></li>' for i in range(8))
    comments = ("<div class='tie'><a href='#'>0</a><span>人参与</span><p>跟贴热词：</p>"
                "<p>网友评论仅供其表达个人看法，并不表明示例网立场。</p></div>")
    page = (f"<html><head><title>沙泉县劳务输出_示例网</title></head><body><ul>{sidebar}</ul>"
            f"<h1>沙泉县劳务输出三千人次</h1><div id='endText'>{body}</div>{comments}"
            "</body></html>")
    doc = extract_document(page.encode(), "text/html; charset=utf-8", "http://news.example.cn/1.html")
    assert "三千二百人次" in doc.text and P2[:20] in doc.text
    assert "网友评论" not in doc.text and "人参与" not in doc.text and "新闻标题" not in doc.text


def test_prose() -> None:
    assert is_prose(P1) and is_prose("一、评选对象为劳务公司")  # enumerated items too
    assert not is_prose("沙泉县召开劳务输出工作会议")  # a title
    assert not is_prose("凡本网注明“来源：沙泉县人民政府”的所有作品，版权均属于本网，转载请注明。")
    assert not is_prose("- 沙泉县举办春季招聘会，岗位三千余个 2019-09-09")
    assert is_prose("Cotton farmers say the price has barely kept pace with the cost of water.")
    assert not is_prose("Related stories")


def test_merge_keeps_the_opening_post_not_the_replies() -> None:
    reply = ["回复 引用", "沙发 发表于 2012-5-5", "我们那边也差不多，冷库确实管用，价钱好了不少。"]
    thread = "\n".join(["说说合作社", P1, P2, *reply])
    first_post = "\n".join([P1, P2])
    assert merge(thread, first_post) == first_post


def test_merge_takes_back_paragraphs_one_extractor_cut() -> None:
    whole = "\n".join([P1, P2, P3])
    assert merge("\n".join([P1, P2]), whole) == whole  # trafilatura stopped early
    assert merge(whole, P1) == whole  # readability kept one block
    assert merge("", whole) == whole and merge(whole, "") == whole


def test_merge_drops_a_stray_repeated_title() -> None:
    captions = [f"图为第{i}张照片：沙泉县务工人员在企业车间工作，摄影：示例" for i in range(8)]
    second = "\n".join(["沙泉县千余人赴企业就业", *captions, "沙泉县千余人赴企业就业", P1, P2, P3])
    first = "\n".join(["沙泉县千余人赴企业就业", P1, P2, P3])
    assert merge(first, second) == first


def _expected(name: str) -> dict[str, str]:
    return json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        ("gov_table_portal_gb2312", 0.99),  # nested layout tables, menus and footers
        ("blog_table_layout_gb2312", 0.99),  # an old blog portal with comments
        ("state_media_template", 0.85),
        ("gov_notice_data_table", 0.8),  # the data table's cells are kept
        ("english_byline", 0.9),
    ],
)
def test_fixture_main_text(name: str, floor: float) -> None:
    want = _expected(name)
    body = (FIXTURES / f"{name}.html").read_bytes()
    doc = extract_document(body, want["content_type"], want["url"])
    assert f1(want["text"], doc.text, want["language"]) >= floor
    for boilerplate in ("版权所有", "ICP备", "打印本页", "相关新闻", "分享到", "责任编辑"):
        assert boilerplate not in doc.text
