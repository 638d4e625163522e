"""Language and script detection: a CJK fast path, langdetect (fixed seed) for everything else."""

from __future__ import annotations

import re

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

from pipelines.text.normalise import has_astral, traditional_pattern

DetectorFactory.seed = 0

SAMPLE_CHARS = 2000
ZH_RATIO = 0.5  # share of CJK ideographs among letters above which a text is Chinese
KANA_RATIO = 0.05  # more kana than this and it is probably Japanese: ask langdetect
HANT_RATIO = 0.05  # share of CJK chars that t2s changes above which a text is Traditional

_CJK_ASTRAL = re.compile(r"[\U00020000-\U0002ebef]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_CJK_BMP = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NOT_LETTER = re.compile(r"[\W\d_]+")


def _letter_count(text: str) -> int:
    """Number of letters (CJK ideographs count as letters), counted run by run."""
    return len(_NOT_LETTER.sub("", text))


def _cjk_count(text: str) -> int:
    """Number of CJK ideographs, counted run by run."""
    count = sum(map(len, _CJK_BMP.findall(text)))
    return count + (len(_CJK_ASTRAL.findall(text)) if has_astral(text) else 0)


def _latin_count(text: str) -> int:
    """Number of Latin letters."""
    return sum(map(len, _LATIN.findall(text)))


def detect_language(text: str) -> str:
    """ISO code of the text's language ("zh", "en", ...) or "unknown"; never raises."""
    sample = text[:SAMPLE_CHARS]
    letters = _letter_count(sample)
    if letters == 0:
        return "unknown"
    cjk = _cjk_count(sample)
    if cjk / letters >= ZH_RATIO and _count(_KANA, sample) / letters < KANA_RATIO:
        return "zh"
    try:
        code: str = detect(sample)
    except (LangDetectException, ValueError):
        return "unknown"
    return "zh" if code.startswith("zh") else code


def _count(pattern: re.Pattern[str], text: str) -> int:
    """Number of matches of a one-char pattern, without building a list."""
    return pattern.subn("", text)[1]


def detect_script(text: str) -> str:
    """Dominant script: "hant", "hans", "latin" or "other"."""
    cjk = _cjk_count(text)
    latin = 0 if 2 * cjk >= len(text) else _latin_count(text)  # latin <= len - cjk <= cjk
    if not cjk or latin > cjk:
        if latin and latin * 2 >= _letter_count(text):
            return "latin"
        return "other"
    changed = len(traditional_pattern().findall(text))  # chars t2s changes on their own
    return "hant" if changed / cjk >= HANT_RATIO else "hans"
