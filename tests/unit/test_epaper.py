"""The e-paper strategy's date walk and issue-folder rule (the crawl itself is replayed from
fixtures in test_source_fixtures.py, source xinjiang-daily-epaper)."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.sources import Edition, SourceError, load_source
from crawler.spiders.epaper import folder, issue_dates


def edition(**fields: object) -> Edition:
    base = {"issue_url": "https://x.cn/p/%Y%m%d/1.html", "pages": {"pattern": r"\d+\.html$"},
            "since": date(2024, 6, 27)}
    return Edition.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, [date(2024, 6, 30), date(2024, 6, 29), date(2024, 6, 28), date(2024, 6, 27)]),
        ({"max_issues": 2}, [date(2024, 6, 30), date(2024, 6, 29)]),
        ({"until": date(2024, 6, 28)}, [date(2024, 6, 28), date(2024, 6, 27)]),
        ({"until": date(2024, 7, 9), "max_issues": 1}, [date(2024, 6, 30)]),  # never the future
        ({"until": date(2024, 6, 1)}, []),  # until before since
    ],
)
def test_issue_dates_newest_first(fields: dict[str, object], expected: list[date]) -> None:
    assert issue_dates(edition(**fields), today=date(2024, 6, 30)) == expected


def test_pages_of_one_issue_share_its_folder() -> None:
    assert folder("https://xjrb.ts.cn/xjrb/20240630/2.html?x=1") == "https://xjrb.ts.cn/xjrb/20240630"
    assert folder("https://xjrb.ts.cn/xjrb/20240629/1.html") != folder(
        "https://xjrb.ts.cn/xjrb/20240630/1.html")


def test_epaper_source_needs_an_edition_block(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "paper.yml"
    path.write_text("publisher: 示例日报\nkind: state_media\nlanguage: zh\nstrategy: epaper\n"
                    "start_urls: ['https://x.cn/']\nlinks: {article: {pattern: 'x'}}\n",
                    encoding="utf-8")
    with pytest.raises(SourceError, match="strategy epaper needs a edition: block"):
        load_source(path)


def test_issue_url_must_name_the_date() -> None:
    with pytest.raises(ValueError, match="issue_url"):
        edition(issue_url="https://x.cn/p/today/1.html")
