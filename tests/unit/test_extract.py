"""extract_document / extract_html on raw-byte fixtures written for these tests."""

from datetime import date
from pathlib import Path

import pytest

from pipelines.text.extract import (
    document_kind,
    extract_document,
    extract_html,
    strip_site_suffix,
    visible_text,
)
from pipelines.text.extract import parse_html as parse
from pipelines.text.types import ExtractionError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "text"
URL = "https://www.example.gov.cn/tzgg/202305/t20230510_1.html"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_gbk_government_notice() -> None:
    body = fixture("gov_notice_gbk.html")
    doc = extract_document(body, "text/html; charset=UTF-8", URL)
    assert doc.charset == "gb18030"
    assert doc.title == "关于做好2023年农村富余劳动力转移就业工作的通知"
    assert doc.doc_number == "沙人社发〔2023〕12号"
    assert doc.published_at == date(2023, 5, 10)  # not the script's pubDate, not 成文日期
    assert doc.origin == "沙泉县人力资源和社会保障局"
    assert doc.publisher == "沙泉县人民政府"
    assert (doc.editor, doc.author, doc.language_hint, doc.page_starts) == (None, None, None, ())
    assert doc.extractor == "html:trafilatura-2.3.1+readability-0.9+bs4-4.15.0"
    lines = doc.text.split("\n")
    assert (
        "一、全年计划组织农村富余劳动力转移就业3200人次，其中有组织转移就业不少于1500人。" in lines
    )
    assert "二、各乡镇要建立转移就业工作台账，对已转移人员实行跟踪管理，确保稳定就业。" in lines
    assert lines[-1] == "2023年5月8日"
    assert "var pubDate" not in doc.text and "首页" not in doc.text


def test_gbk_page_mislabelled_utf8_without_meta() -> None:
    doc = extract_document(
        fixture("mislabelled_utf8_no_meta.html"), "text/html; charset=utf-8", URL
    )
    assert doc.charset == "gb18030"
    assert doc.title == "沙泉县召开劳务输出工作推进会"
    assert doc.published_at == date(2022, 11, 3)
    assert doc.text.endswith("截至10月底，全县累计实现农村劳动力转移就业2100人。")


def test_big5_page() -> None:
    doc = extract_document(fixture("big5_page.html"), "text/html", URL)
    assert doc.charset == "big5hkscs"
    assert doc.title == "沙泉縣推動職業技能培訓"
    assert doc.published_at == date(2021, 9, 15)
    assert doc.author == "陳示例"
    assert doc.language_hint == "zh-Hant"
    assert "參訓人員結業後由縣人社局統一安置就業。" in doc.text


def test_state_media_article() -> None:
    doc = extract_document(fixture("state_media_article.html"), "text/html", URL)
    assert doc.title == "“专列”送岗 南疆千余名富余劳动力赴疆内企业就业"
    assert (doc.origin, doc.editor, doc.author) == ("示例日报", "王示例", "李示例")
    assert (doc.publisher, doc.published_at) == ("示例新闻网", date(2020, 3, 18))
    assert doc.language_hint == "zh-CN"
    assert doc.charset == "utf-8"
    assert (
        "接收企业之一的示例新材料有限公司表示，将为务工人员统一安排食宿，实行统一管理。" in doc.text
    )
    assert "图片" not in doc.text and "联系我们" not in doc.text


def test_english_article() -> None:
    doc = extract_document(fixture("english_article.html"), "text/html; charset=utf-8", URL)
    assert doc.title == "Training helps rural workers find jobs"
    assert doc.published_at == date(2019, 7, 22)
    assert (doc.publisher, doc.language_hint) == ("Example Daily", "en")
    assert doc.text.split("\n")[-1] == (
        "Officials described the program as poverty alleviation through employment."
    )
    assert "Home" not in doc.text


def test_nav_and_script_only_page_fails() -> None:
    with pytest.raises(ExtractionError, match="no text extracted"):
        extract_document(fixture("nav_only.html"), "text/html", URL)


def test_empty_body_fails() -> None:
    with pytest.raises(ExtractionError, match="no text extracted"):
        extract_document(b"", "text/html", URL)


SELECTOR_PAGE = """<html><head><title>站点首页</title></head><body>
<div class="crumb">首页 &gt; 动态</div>
<h2 class="tt">沙泉县举办劳务对接会</h2><span class="when">2023年8月1日 09:00</span>
<span class="org">沙泉县人社局</span>
<div class="zw"><p>对接会现场签约<b>转移就业</b>岗位300个。</p><p>第二段。</p></div>
</body></html>"""


def test_site_selectors_win() -> None:
    selectors = {"title": "h2.tt", "body": "div.zw", "date": ".when", "publisher": ".org"}
    doc = extract_html(SELECTOR_PAGE, URL, selectors)
    assert doc.title == "沙泉县举办劳务对接会"
    assert doc.text == "对接会现场签约转移就业岗位300个。\n第二段。"
    assert (doc.published_at, doc.publisher) == (date(2023, 8, 1), "沙泉县人社局")


def test_short_page_falls_back_to_cms_container() -> None:
    html = (
        '<html><body><div class="nav"><a href="/">首页</a></div>'
        '<div class="TRS_Editor"><p>沙泉县转移就业120人。</p></div></body></html>'
    )
    assert extract_html(html, URL).text == "沙泉县转移就业120人。"


def test_meta_pubdate_beats_text_date() -> None:
    html = (
        '<html><head><meta name="PubDate" content="2023-05-10 10:31"></head><body>'
        "<p>日期：2020-01-01</p><p>全年计划组织农村富余劳动力转移就业3200人次，其中有组织转移不少于1500人。</p>"
        "</body></html>"
    )
    assert extract_html(html, URL).published_at == date(2023, 5, 10)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("关于做好转移就业工作的通知_沙泉县人民政府", "关于做好转移就业工作的通知"),
        ("“专列”送岗 南疆富余劳动力赴企业就业 - 示例新闻网", "“专列”送岗 南疆富余劳动力赴企业就业"),
        ("沙泉县推动职业技能培训-示例网", "沙泉县推动职业技能培训"),
        ("示例网 | 沙泉县推动职业技能培训", "沙泉县推动职业技能培训"),
        ("2023-2025年沙泉县就业行动方案", "2023-2025年沙泉县就业行动方案"),
        ("稳就业 促增收——沙泉县转移就业纪实", "稳就业 促增收——沙泉县转移就业纪实"),
    ],
)
def test_strip_site_suffix(title: str, expected: str) -> None:
    assert strip_site_suffix(title) == expected


def test_visible_text_keeps_inline_tags_on_one_line() -> None:
    soup = parse("<div>来源：<span>新华社</span><br>编辑：<a>王某</a><!-- x --></div><p>正文</p>")
    assert visible_text(soup) == "来源：新华社\n编辑：王某\n正文"


def test_plain_text_document() -> None:
    text = (
        "沙泉县转移就业简报\n\n发布日期：2023年5月10日  来源：沙泉县人社局\n本月转移就业120人。\n"
    )
    body = text.encode("gbk")
    doc = extract_document(body, "text/plain; charset=gbk", "https://example.gov.cn/a.txt")
    assert (
        doc.text
        == "沙泉县转移就业简报\n发布日期：2023年5月10日 来源：沙泉县人社局\n本月转移就业120人。"
    )
    assert (doc.title, doc.published_at, doc.origin) == (
        "沙泉县转移就业简报",
        date(2023, 5, 10),
        "沙泉县人社局",
    )
    assert (doc.charset, doc.extractor) == ("gb18030", "text:plain")


@pytest.mark.parametrize(
    ("body", "content_type", "url", "expected"),
    [
        (b"%PDF-1.4", None, "https://x.cn/a", "pdf"),
        (b"junk", "application/pdf", "https://x.cn/a", "pdf"),
        (b"junk", None, "https://x.cn/a.PDF?download=1", "pdf"),
        (b"<html>", "text/html", "https://x.cn/a.pdf", "html"),  # an error page at a .pdf URL
        (b"text", "text/plain", "https://x.cn/a", "text"),
        (b"text", None, "https://x.cn/a.txt", "text"),
        (b"<html>", None, "https://x.cn/a", "html"),
        (b"<html>", "application/octet-stream", "https://x.cn/a.htm", "html"),
        (
            b"\xd0\xcf\x11\xe0",
            "application/octet-stream",
            "https://x.cn/a",
            "unsupported: application/octet-stream",
        ),
        (b"PK\x03\x04", None, "https://x.cn/a.docx", "unsupported: .docx"),
        (b"x", "application/msword", "https://x.cn/a.doc", "unsupported: application/msword"),
        (b"x", None, "https://x.cn/a.wps", "unsupported: .wps"),
        (b"x", "image/jpeg", "https://x.cn/a.jpg", "unsupported: image/jpeg"),
    ],
)
def test_document_kind(body: bytes, content_type: str | None, url: str, expected: str) -> None:
    assert document_kind(body, content_type, url) == expected


def test_unsupported_type_raises() -> None:
    # Word files are extracted (tests/unit/test_office.py); a spreadsheet is not
    with pytest.raises(ExtractionError, match="unsupported content type: application/vnd.ms-exc"):
        extract_document(b"\xd0\xcf\x11\xe0rest", "application/vnd.ms-excel", "https://x.cn/a.xls")


def test_pdf_content_type_with_html_body_raises_clear_error() -> None:
    with pytest.raises(ExtractionError, match="not a PDF"):
        extract_document(b"<html>gone</html>", "application/pdf", "https://x.cn/a.pdf")


def test_short_page_without_cms_container_uses_densest_block() -> None:
    html = (
        "<html><body><div><p>侧栏</p></div><div><div><p>转移就业120人。</p></div>"
        "<div><p>稳岗50人。</p></div></div><footer>版权所有</footer></body></html>"
    )
    assert extract_html(html, URL).text == "转移就业120人。\n稳岗50人。"
