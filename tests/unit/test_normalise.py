"""Length-preserving normalisation."""

from pipelines.text.normalise import fold_for_matching, fold_width, lower_preserving, to_simplified


def test_traditional_to_simplified_keeps_length() -> None:
    text = "喀什地區有組織轉移農村富餘勞動力"
    assert to_simplified(text) == "喀什地区有组织转移农村富余劳动力"
    assert len(to_simplified(text)) == len(text)


def test_simplified_and_ascii_unchanged() -> None:
    assert to_simplified("和田地区转移就业") == "和田地区转移就业"
    assert to_simplified("Hotan 1,200 workers") == "Hotan 1,200 workers"
    assert to_simplified("") == ""


def test_multiline_offsets_stay_aligned() -> None:
    text = "第一行：頭髮\r\n第二行：勞動力轉移\n"
    simplified = to_simplified(text)
    assert len(simplified) == len(text)
    assert simplified.index("劳动力转移") == text.index("勞動力轉移")


def test_fold_width_is_per_char() -> None:
    assert fold_width("２．８万人　ＡＢＣ") == "2.8万人 ABC"
    assert fold_width("５㎡") == "5㎡"  # ㎡ -> "m2" would change the length: kept


def test_lower_preserving_keeps_length() -> None:
    assert lower_preserving("Hotan İX") == "hotan İx"


def test_fold_for_matching() -> None:
    text = "ＨＯＴＡＮ：轉移就業１２００人"
    folded = fold_for_matching(text)
    assert folded == "hotan:转移就业1200人"
    assert len(folded) == len(text)
