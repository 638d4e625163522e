"""parse_date finds the first plausible date; find_labelled_date prefers labelled ones."""

from datetime import date

import pytest

from pipelines.text.dates import find_labelled_date, parse_date


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
