"""Language and script detection: a CJK fast path, langdetect (fixed seed) for everything else."""

from __future__ import annotations

import re

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

from pipelines.text.normalise import to_simplified

DetectorFactory.seed = 0

SAMPLE_CHARS = 2000
ZH_RATIO = 0.5  # share of CJK ideographs among letters above which a text is Chinese
KANA_RATIO = 0.05  # more kana than this and it is probably Japanese: ask langdetect
HANT_RATIO = 0.05  # share of CJK chars that t2s changes above which a text is Traditional

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _letter_count(text: str) -> int:
    """Number of alphabetic chars (CJK ideographs count as letters)."""
    return sum(1 for char in text if char.isalpha())


def detect_language(text: str) -> str:
    """ISO code of the text's language ("zh", "en", ...) or "unknown"; never raises."""
    sample = text[:SAMPLE_CHARS]
    letters = _letter_count(sample)
    if letters == 0:
        return "unknown"
    cjk = len(_CJK.findall(sample))
    if cjk / letters >= ZH_RATIO and len(_KANA.findall(sample)) / letters < KANA_RATIO:
        return "zh"
    try:
        code: str = detect(sample)
    except (LangDetectException, ValueError):
        return "unknown"
    return "zh" if code.startswith("zh") else code


def detect_script(text: str) -> str:
    """Dominant script: "hant", "hans", "latin" or "other"."""
    cjk_chars = _CJK.findall(text)
    latin = len(_LATIN.findall(text))
    if not cjk_chars or latin > len(cjk_chars):
        if latin and latin * 2 >= _letter_count(text):
            return "latin"
        return "other"
    joined = "".join(cjk_chars)
    changed = sum(1 for a, b in zip(joined, to_simplified(joined), strict=True) if a != b)
    return "hant" if changed / len(joined) >= HANT_RATIO else "hans"
