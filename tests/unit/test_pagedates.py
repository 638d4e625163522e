"""Unlabelled dates beside the title, and every date our extraction fixtures show."""

import json
from datetime import date
from pathlib import Path

import pytest

from pipelines.text.extract import extract_document, extract_html
from pipelines.text.pagedates import date_after_text, date_near_title

FIXTURES = Path(__file__).parents[1] / "fixtures" / "extraction"
BODY = "沙泉县今年组织农村劳动力转移就业三千二百人次，其中有组织转移一千五百人。"
TITLE = "沙泉县转移就业三千二百人次"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["首页 > 新闻", TITLE, "2017-07-25 10:32 来源：县人社局", BODY], date(2017, 7, 25)),
        (["BUSINESS.EXAMPLE.COM 2005年3月11日12:12", TITLE, BODY], None),  # above the title
        ([TITLE, "2017年07月25日　作者：孙示例", BODY], date(2017, 7, 25)),
        ([TITLE, "作者：孙示例", "2005年1月2日", BODY], date(2005, 1, 2)),
        ([TITLE, BODY, "会议定于2017年8月1日召开。"], None),  # dates in the text are events
        (["2019-09-01 热点新闻", TITLE, BODY], None),  # a sidebar's date
    ],
)
def test_date_near_title(lines: list[str], expected: date | None) -> None:
    assert date_near_title("\n".join(lines), TITLE, BODY) == expected


def test_text_starting_with_its_title_counts_from_the_title_end() -> None:
    head = ["导航", TITLE, "分享到：", "2019-09-07 15:10:53", "最后更新: 2019-09-07"]
    page = "\n".join([*head, BODY])
    text = f"- {TITLE} 最后更新: 2019-09-07 {BODY}"
    assert date_near_title(page, TITLE, text) == date(2019, 9, 7)


def test_a_labelled_date_beats_the_bare_one_and_the_url() -> None:
    html = (f"<html><body><h1>{TITLE}</h1><p>2017-07-25</p><p>发布时间：2017-07-26</p>"
            f"<p>{BODY}</p></body></html>")
    assert extract_html(html, "https://x.cn/t20170727_1.html").published_at == date(2017, 7, 26)
    no_label = html.replace("<p>发布时间：2017-07-26</p>", "")
    assert extract_html(no_label, "https://x.cn/t20170727_1.html").published_at == date(
        2017, 7, 25)
    no_date = no_label.replace("<p>2017-07-25</p>", "")
    assert extract_html(no_date, "https://x.cn/t20170727_1.html").published_at == date(
        2017, 7, 27)


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.json")))
def test_every_fixture_date_is_found(name: str) -> None:
    want = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    body = (FIXTURES / f"{name}.html").read_bytes()
    doc = extract_document(body, want["content_type"], want["url"])
    assert str(doc.published_at) == want["date"]


def test_a_date_alone_on_the_line_ending_the_text() -> None:
    # essays and notices are dated under their last line (落款); only a line that is the date
    page = "\n".join([TITLE, BODY, BODY, "2005年3月12日", "版权所有"])
    assert date_after_text(page, f"{BODY}\n{BODY}") == date(2005, 3, 12)
    assert date_after_text(f"{TITLE}\n{BODY}", f"{BODY}\n（2005年3月12日于沙泉）") == date(
        2005, 3, 12)
    assert date_after_text(f"{TITLE}\n{BODY}\n热点 2019-09-01 新闻", BODY) is None
    html = (f"<html><head><title>示例文集</title></head><body><h2>{TITLE}</h2><p>{BODY}</p>"
            f"<p>{BODY}</p><p>2005年3月12日</p></body></html>")
    assert extract_html(html, "http://x.cn/wenji/a.htm").published_at == date(2005, 3, 12)
    dated = html.replace("<h2>", "<p>2006-01-02</p><h2>").replace("</h2>", "</h2><p>2006-01-02</p>")
    assert extract_html(dated, "http://x.cn/wenji/a.htm").published_at == date(2006, 1, 2)
