"""Smoke test of `python -m bench.pdf` on a few pages (no timing is asserted)."""

import shutil

import pytest

from bench.pdf import _radicals_only, compare, embedded_pdf, stsong_pdf


def test_stsong_report_is_deterministic_and_read_alike() -> None:
    data = stsong_pdf(3)
    assert data == stsong_pdf(3)
    result = compare(data, runs=1)
    assert result.pages == (3, 3) and result.same == result.same_but_radicals == 3
    assert len(result.old_times) == len(result.new_times) == 1 and result.chars > 2000


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="Debian's chromium is not installed (.ci/run does)")
def test_embedded_font_report_is_deterministic() -> None:
    data = embedded_pdf(2)
    assert data is not None and data == embedded_pdf(2)
    assert compare(data, runs=1).same_but_radicals == 2


def test_only_radicals_and_spaces_may_differ() -> None:
    assert _radicals_only("同比增⻓ 6%，⼯作", "同比增长6%，工作") == 2
    assert _radicals_only("同比增长6%", "同比增长7%") is None
