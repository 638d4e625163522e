"""Language and script detection."""

from pipelines.text.language import detect_language, detect_script


def test_chinese_fast_path() -> None:
    assert detect_language("和田地区有组织转移农村富余劳动力1200人到内地就业。") == "zh"
    assert detect_language("喀什地區轉移就業 2023 Report") == "zh"


def test_english_and_other_languages() -> None:
    english = "Surplus laborers from Hotan were transferred to factories in eastern China."
    assert detect_language(english) == "en"
    assert (
        detect_language("Les travailleurs ont été transférés vers les usines de la côte.") == "fr"
    )


def test_unknown_never_raises() -> None:
    assert detect_language("") == "unknown"
    assert detect_language("   12345 ... !!!") == "unknown"


def test_detect_script() -> None:
    assert detect_script("喀什地區有組織轉移農村富餘勞動力") == "hant"
    assert detect_script("喀什地区有组织转移农村富余劳动力") == "hans"
    assert detect_script("Labor transfer from Hotan") == "latin"
    assert detect_script("Трудовая миграция") == "other"
    assert detect_script("") == "other"
