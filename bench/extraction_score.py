"""Scores of one extracted page against its expected fields (used by ``bench/extraction.py``).

Main text: F1 of the bag of tokens, characters for Chinese (every letter, digit and Han character;
whitespace and punctuation ignored) and lower-cased words for English. Title: equal once
whitespace and punctuation are ignored. Date: the same day. Author: the same set of names.
Mis-decoded: replacement characters or mojibake in the output, or Han characters most of which
the expected text never uses and many of which are rare (GBK bytes read as Big5, UTF-8 as GBK).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"\w+")
# UTF-8 read as Latin-1/cp1252: a lead byte as Ã…ï followed by a continuation byte as \x80–\xbf
# or the cp1252 punctuation those bytes become ("æ–°" for 新, "â€œ" for “)
MOJIBAKE = re.compile(
    "[\u00c2-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
MOJIBAKE_SHARE = 0.01  # of the output's characters: more replacement or mojibake pairs is broken
FOREIGN_HAN_SHARE = 0.5  # Han characters of the output absent from the expected text
RARE_HAN_SHARE = 0.3  # ... and outside GB2312's 3,755 common characters (menus are common)
MIN_HAN = 50  # Han characters needed before their share is judged
NAME_SPLIT = re.compile(r"\s*(?:[,，、;；/&|]|\band\b)\s*", re.IGNORECASE)


def language(text: str) -> str:
    """Return "zh" when Han characters make up a fair share of the text's letters, else "en"."""
    letters = sum(1 for ch in text if ch.isalnum())
    return "zh" if letters and len(HAN.findall(text)) / letters > 0.3 else "en"


def tokens(text: str, lang: str) -> list[str]:
    """Characters (Chinese) or lower-cased words (other languages) of a text."""
    text = unicodedata.normalize("NFKC", text or "")
    if lang == "zh":
        return [ch for ch in text if ch.isalnum()]
    return WORD.findall(text.lower())


def f1(expected: str, found: str, lang: str) -> float:
    """F1 of the bags of tokens; 0 when nothing was found."""
    want, got = Counter(tokens(expected, lang)), Counter(tokens(found, lang))
    common = sum((want & got).values())
    if not common:
        return 1.0 if not want and not got else 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def _plain(text: str) -> str:
    """NFKC, lower case, letters and digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def same_title(expected: str, found: str | None) -> bool:
    """Tell whether two titles are equal but for whitespace, punctuation and case."""
    return bool(found) and _plain(expected) == _plain(found or "")


def same_date(expected: str, found: date | str | None) -> bool:
    """Tell whether a found date (date or ISO text) is the expected day (YYYY-MM-DD)."""
    if found is None:
        return False
    value = found.isoformat() if isinstance(found, date) else str(found)
    return value[:10] == expected[:10]


def names(value: str) -> set[str]:
    """The set of names in an author field ("By A and B", "甲 乙", "甲、乙"); spaces split
    Chinese names only."""
    value = re.sub(r"^\s*by\s+", "", unicodedata.normalize("NFKC", value), flags=re.IGNORECASE)
    parts = NAME_SPLIT.split(value)
    if not re.search(r"[A-Za-z]", value):
        parts = [name for part in parts for name in part.split()]
    return {_plain(part) for part in parts if _plain(part)}


def same_author(expected: str, found: str | None) -> bool:
    """Tell whether the found author names are the expected ones."""
    return bool(found) and names(expected) == names(found or "")


def misdecoded(expected: str, found: str) -> bool:
    """Tell whether extracted text shows a decoding failure rather than an extraction one."""
    if not found:
        return False
    broken = found.count("\ufffd") + len(MOJIBAKE.findall(found))
    if broken > max(3, MOJIBAKE_SHARE * len(found)):
        return True
    han, want = HAN.findall(found), HAN.findall(expected)
    if len(want) < MIN_HAN or len(han) < MIN_HAN:
        # Chinese expected but the output's letters beyond ASCII are not Han: Latin-1 soup
        return len(want) >= MIN_HAN and _foreign_letter_share(found) > 0.2
    known = set(want)
    foreign = sum(1 for ch in han if ch not in known)
    rare = sum(1 for ch in han if not _common(ch))
    return foreign / len(han) > FOREIGN_HAN_SHARE and rare / len(han) > RARE_HAN_SHARE


def _common(ch: str) -> bool:
    """Tell whether a Han character is one of GB2312's level-1 (most common) characters."""
    try:
        lead = ch.encode("gb2312")[0]
    except UnicodeEncodeError:
        return False
    return 0xB0 <= lead <= 0xD7


def _foreign_letter_share(text: str) -> float:
    """Share of letters that are neither ASCII nor Han (mojibake of Chinese bytes)."""
    letters = [ch for ch in text if ch.isalpha()]
    odd = sum(1 for ch in letters if not ch.isascii() and not HAN.match(ch))
    return odd / len(letters) if letters else 0
