"""Command-line hit filters: any spelling of a company selects its canonical name."""

from __future__ import annotations

import argparse

from evidence.hit_options import add_hit_filters, hit_filter


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_hit_filters(parser)
    return parser.parse_args(list(argv))


def test_stock_code_and_english_name_become_canonical_company() -> None:
    by_code = hit_filter(parse("--company", "002532.SZ"))
    by_alias = hit_filter(parse("--company", "天山铝业"))
    assert by_code.company == by_alias.company == "新疆生产建设兵团农八师天山铝业"


def test_unknown_company_is_kept_as_typed_and_dates_parse() -> None:
    found = hit_filter(parse("--company", "Some Other Co", "--from", "2023-01-01",
                             "--min-score", "4"))
    assert found.company == "Some Other Co"
    assert str(found.date_from) == "2023-01-01" and found.min_score == 4.0
