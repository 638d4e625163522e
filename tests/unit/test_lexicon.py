"""The bundled lexicon and its validation."""

from pathlib import Path

import pytest

from pipelines.text.lexicon import (
    LABOUR_CATEGORIES,
    Lexicon,
    LexiconError,
    load_lexicon,
)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def test_version_is_exposed(lexicon: Lexicon) -> None:
    assert lexicon.version == "2026.12.3"


def test_at_least_60_chinese_terms_covering_every_family(lexicon: Lexicon) -> None:
    zh = [t for t in lexicon.terms if t.language == "zh" and t.category in LABOUR_CATEGORIES]
    assert len(zh) >= 60
    assert {t.category for t in zh} == set(LABOUR_CATEGORIES)


def test_terms_are_well_formed(lexicon: Lexicon) -> None:
    for term in lexicon.terms:
        assert term.gloss and term.term
        assert (term.weight < 0) == (term.category == "counter")
        if term.language == "en":
            assert term.term == term.term.lower()


def test_key_terms_and_variants(lexicon: Lexicon) -> None:
    by_term = {t.term: t for t in lexicon.terms}
    assert "富裕劳动力" in by_term["富余劳动力"].variants
    assert "富餘勞動力" in by_term["富余劳动力"].variants
    assert by_term["有组织转移"].category == "organised_transfer"
    assert by_term["职业技能教育培训中心"].category == "camp_to_work"
    assert by_term["产能转移"].category == "trap"  # claims its 转移: no move is left
    assert by_term["赴新疆"].category == "inward" and by_term["输送"].category == "move"
    assert by_term["surplus labor"].category == "surplus_labour"
    assert "vocational skills education and training centers" in (
        by_term["vocational skills education and training center"].variants
    )
    assert by_term["smear"].category == "counter"
    assert by_term["和田"].category == "place" and "和田地区" in by_term["和田"].variants
    assert by_term["hotan"].category == "place"


def test_companies(lexicon: Lexicon) -> None:
    by_name = {c.name: c for c in lexicon.companies}
    tianshan = by_name["新疆生产建设兵团农八师天山铝业"]
    assert "天山铝业" in tianshan.aliases
    assert tianshan.stock_codes == ("002532", "002532.SZ")
    assert "Tianshan Aluminum" in tianshan.english
    assert by_name["新疆神火煤电有限公司"].stock_codes == ("000933", "000933.SZ")
    zhonghe = by_name["新疆众和股份有限公司"]
    assert zhonghe.stock_codes == ("600888", "600888.SH")
    assert zhonghe.tied_to_transfers is False
    for name in (
        "新疆农六师铝业有限公司",
        "新疆东方希望有色金属有限公司",
        "新疆其亚铝电有限公司",
        "新疆嘉润资源控股有限公司",
        "新疆天龙矿业股份有限公司",
    ):
        assert by_name[name].tied_to_transfers is True


def _write(tmp_path: Path, name: str, body: str) -> Path:
    (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path


def test_error_names_file_and_field(tmp_path: Path) -> None:
    body = 'version: "1"\nlanguage: zh\nterms:\n- {term: 转移就业, category: transfer, gloss: x}\n'
    path = _write(tmp_path, "terms.yml", body)
    with pytest.raises(LexiconError, match=r"terms\.yml: terms\[0\]\.weight: must be a number"):
        load_lexicon(path)


def test_unknown_category_and_field(tmp_path: Path) -> None:
    body = 'version: "1"\nterms:\n- {term: a, category: nope, gloss: x, weight: 1, language: en}\n'
    with pytest.raises(LexiconError, match=r"terms\[0\]\.category"):
        load_lexicon(_write(tmp_path, "a.yml", body))
    body = 'version: "1"\nterms:\n- {term: a, category: transfer, gloss: x, wieght: 1}\n'
    with pytest.raises(LexiconError, match="unknown field"):
        load_lexicon(_write(tmp_path, "a.yml", body))


def test_counter_weight_sign(tmp_path: Path) -> None:
    body = 'version: "1"\nlanguage: zh\nterms:\n'
    body += "- {term: 谎言, category: counter, gloss: x, weight: 1}\n"
    with pytest.raises(LexiconError, match="negative"):
        load_lexicon(_write(tmp_path, "t.yml", body))


def test_versions_must_agree(tmp_path: Path) -> None:
    _write(tmp_path, "a.yml", 'version: "1"\nterms: []\n')
    _write(tmp_path, "b.yml", 'version: "2"\ncompanies: []\n')
    with pytest.raises(LexiconError, match="disagree on version"):
        load_lexicon(tmp_path)


def test_spelling_owned_by_two_entries(tmp_path: Path) -> None:
    body = (
        'version: "1"\nlanguage: zh\nterms:\n'
        "- {term: 转移就业, category: transfer, gloss: x, weight: 1}\n"
        "- {term: 轉移就業, category: channel, gloss: y, weight: 1}\n"
    )
    with pytest.raises(LexiconError, match="also a spelling of"):
        load_lexicon(_write(tmp_path, "t.yml", body))


def test_unquoted_stock_code_and_missing_path(tmp_path: Path) -> None:
    body = 'version: "1"\ncompanies:\n'
    body += "- {name: 天河铝业, stock_codes: [600001], tied_to_transfers: true}\n"
    with pytest.raises(LexiconError, match=r"companies\[0\]\.stock_codes"):
        load_lexicon(_write(tmp_path, "c.yml", body))
    with pytest.raises(LexiconError, match="no such"):
        load_lexicon(tmp_path / "missing")
