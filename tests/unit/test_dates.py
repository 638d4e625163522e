"""parse_date finds the first plausible date; find_labelled_date prefers labelled ones."""

from datetime import date

import pytest

from pipelines.text.dates import date_in_url, find_labelled_date, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年05月10日", date(2023, 5, 10)),
        ("2023年5月10日", date(2023, 5, 10)),
        ("2023 年 5 月 10 日", date(2023, 5, 10)),
        ("2023-05-10", date(2023, 5, 10)),
        ("2023/05/10", date(2023, 5, 10)),
        ("2023.05.10", date(2023, 5, 10)),
        ("发布时间：2023-05-10 10:31", date(2023, 5, 10)),
        ("发布日期:2023年5月10日", date(2023, 5, 10)),
        ("时间：2023-05-10", date(2023, 5, 10)),
        ("成文日期：2022年12月1日", date(2022, 12, 1)),
        ("May 10, 2023", date(2023, 5, 10)),
        ("10 May 2023", date(2023, 5, 10)),
        ("Sept. 3rd, 2021", date(2021, 9, 3)),
        ("2019-07-22T08:30:00+08:00", date(2019, 7, 22)),
        ("２０２３年５月１０日", date(2023, 5, 10)),
        ("２０２３－０５－１０", date(2023, 5, 10)),
        ("2023-13-40 then 2024-02-29", date(2024, 2, 29)),
        ("2023-02-29", None),
        ("1989-06-01", None),
        ("2101-01-01", None),
        ("2023-05/10", None),
        ("version 1.2023.05.10", None),
        ("20230510", None),
        ("no date here", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_labelled_date_beats_earlier_bare_date() -> None:
    text = "2020-01-01 浏览次数：12 发布时间：2023-05-10 10:31"
    assert find_labelled_date(text) == date(2023, 5, 10)


def test_publication_label_beats_drafting_and_update_labels() -> None:
    text = "成文日期：2023年5月8日 更新时间：2024-01-02 发布日期：2023年5月10日"
    assert find_labelled_date(text) == date(2023, 5, 10)


def test_drafting_date_when_no_publication_label() -> None:
    assert find_labelled_date("日期：2023-06-01 成文日期：2023年5月8日") == date(2023, 5, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Published: May 10, 2023", date(2023, 5, 10)),
        ("Published on 10 May 2023 | Updated: 2023-06-01", date(2023, 5, 10)),
        ("Updated: 2023-06-01 08:30", date(2023, 6, 1)),
        ("日期：【2023-05-10】", date(2023, 5, 10)),
        ("发布时间：２０２３年５月１０日", date(2023, 5, 10)),
    ],
)
def test_labelled_forms(text: str, expected: date) -> None:
    assert find_labelled_date(text, bare_fallback=False) == expected


def test_bare_fallback() -> None:
    assert find_labelled_date("会议于2022年11月3日召开") == date(2022, 11, 3)
    assert find_labelled_date("会议于2022年11月3日召开", bare_fallback=False) is None


def test_label_with_impossible_date_is_skipped() -> None:
    assert find_labelled_date("发布时间：2023-13-40 日期：2023-05-10") == date(2023, 5, 10)


def test_label_inside_a_word_is_not_a_label() -> None:
    assert find_labelled_date("Candidate 2023-05-10", bare_fallback=False) is None


def test_year_and_day_in_separate_spans_as_on_news_cn() -> None:
    assert parse_date("2023 05/10 10:15:20") == date(2023, 5, 10)
    assert parse_date("2023 13/40") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.shaquan.gov.cn/xwzx/2017-07/25/content_34521.htm", date(2017, 7, 25)),
        ("http://rsj.yunshan.gov.cn/zwgk/tzgg/201707/t20170725_2231.html", date(2017, 7, 25)),
        ("http://www.shaquan.gov.cn/xwzx/201707/20170725093000.htm", date(2017, 7, 25)),
        ("https://www.example-review.org/2019/07/22/water-rights/", date(2019, 7, 22)),
        ("https://example.com/news/2019-07-22/story.html", date(2019, 7, 22)),
        ("https://www.yunshan.gov.cn/zwgk/zwdt/art_1187_55210.html", None),
        ("http://www.shaquan.gov.cn/xwzx/201707/", None),  # a month is not a date
        ("https://x.cn/a/20171345.html", None),  # no such day
        ("https://x.cn/a/12345678.html", None),
        ("https://x.cn/2017-07-25.html?from=20190101", date(2017, 7, 25)),  # the path only
    ],
)
def test_date_in_url(url: str, expected: date | None) -> None:
    assert date_in_url(url) == expected


def test_posted_on_by_a_forum_or_blog_ranks_as_published() -> None:
    text = "本贴由大卫于2005年8月12日16:12:21在〖心灵体操〗发表. 时间：2004-01-01"
    assert find_labelled_date(text, bare_fallback=False) == date(2005, 8, 12)
    assert find_labelled_date("楼主 发表于 2012-5-5 04:33:46", bare_fallback=False) == date(
        2012, 5, 5)


def test_generic_labels_can_be_left_out() -> None:
    text = "注册时间：2009-4-2 会议日期：2004年12月11日"
    assert find_labelled_date(text, bare_fallback=False) == date(2009, 4, 2)
    assert find_labelled_date(text, bare_fallback=False, generic=False) is None
