"""The extraction bench: its scores, and a run over a small folder in the documented layout."""

import json
from datetime import date
from pathlib import Path

import pytest

from bench.extraction import evaluate, load_pages, main
from bench.extraction_score import (
    f1,
    language,
    misdecoded,
    names,
    same_author,
    same_date,
    same_title,
)

ARTICLE = "沙泉县今年组织农村劳动力转移就业三千二百人次，其中有组织转移一千五百人。" * 3


def test_f1_counts_characters_for_chinese_and_words_for_english() -> None:
    assert f1("转移就业", "转移就业", "zh") == 1.0
    assert f1("转移就业", "转移", "zh") == 2 * 1.0 * 0.5 / 1.5
    assert f1("转移，就业。", "转移 就业", "zh") == 1.0  # punctuation and spaces are not scored
    assert f1("The workers moved", "the workers", "en") == 0.8
    assert f1("text", "", "en") == 0.0
    assert (language(ARTICLE), language("Workers were moved to Hubei.")) == ("zh", "en")


def test_title_date_and_author_matches() -> None:
    assert same_title("“专列”送岗 南疆千余人就业", "专列送岗南疆千余人就业")
    assert not same_title("标题", None)
    assert same_date("2017-07-25", date(2017, 7, 25))
    assert same_date("2017-07-25", "2017-07-25T10:32")
    assert not same_date("2017-07-25", None)
    assert names("By Jane Doe and John Roe") == {"janedoe", "johnroe"}
    assert same_author("王建宏 张文攀", "王建宏、张文攀")
    assert not same_author("王建宏 张文攀", "王建宏")


def test_misdecoded_pages_are_told_from_poor_extraction() -> None:
    gbk_as_big5 = ARTICLE.encode("gbk").decode("big5", errors="replace")
    utf8_as_latin1 = ARTICLE.encode("utf-8").decode("latin-1")
    utf8_as_gbk = ARTICLE.encode("utf-8").decode("gbk", errors="replace")
    assert misdecoded(ARTICLE, gbk_as_big5)
    assert misdecoded(ARTICLE, utf8_as_latin1)
    assert misdecoded(ARTICLE, utf8_as_gbk)
    menus = "首页 新闻中心 政务公开 办事服务 互动交流 网站地图 联系我们 " * 8
    assert not misdecoded(ARTICLE, menus + ARTICLE)  # boilerplate is not a decoding failure
    assert not misdecoded(ARTICLE, "")
    assert not misdecoded(ARTICLE, ARTICLE.replace("组织", "\ufffd", 1))  # one bad byte pair


def _page(folder: Path, name: str, html: bytes, expected: dict[str, object]) -> None:
    (folder / f"{name}.html").write_bytes(html)
    (folder / f"{name}.json").write_text(json.dumps(expected, ensure_ascii=False), "utf-8")


def test_bench_runs_on_a_folder_in_the_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = f"<p>{ARTICLE}</p><p>{ARTICLE}</p>"
    html = (f'<html><head><meta charset="gbk"><title>沙泉县转移就业</title></head><body>'
            f"<h1>沙泉县转移就业</h1><p>发布时间：2017-07-25</p>{body}</body></html>")
    _page(tmp_path, "gbk", html.encode("gbk"),
          {"text": ARTICLE + "\n" + ARTICLE, "title": "沙泉县转移就业", "date": "2017-07-25"})
    (tmp_path / "orphan.html").write_bytes(b"<html></html>")  # no NAME.json: not a page
    pages = load_pages(tmp_path)
    assert [p.name for p in pages] == ["gbk"] and pages[0].language == "zh"
    tallies = evaluate(pages, ("evidence",))
    tally = tallies["evidence"]
    assert tally.f1["zh"][0] > 0.9 and tally.title == [True] and tally.date == [True]
    assert tally.author == [] and tally.misdecoded == [] and tally.errors == []
    assert main([str(tmp_path), "--only", "evidence"]) == 0
    out = capsys.readouterr().out
    assert "| evidence |" in out and "1/1" in out
    assert main([str(tmp_path / "missing")]) == 2
