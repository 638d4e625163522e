"""Find publication dates in Chinese and English page text."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import urlsplit

MIN_YEAR = 1990
MAX_YEAR = 2100

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<{}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

# 2023年5月10日 | 2023-05-10 | 2023/05/10 | 2023.05.10 | May 10, 2023 | 10 May 2023
_DATE = re.compile(
    r"(?<!\d)(?P<y1>\d{4})\s*年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})(?!\d)"
    r"|(?<![\d.])(?P<y2>\d{4})(?P<sep>[-/.])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2})(?!\d)"
    r"|\b" + _MONTH.format("m3") + r"\s+(?P<d3>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y3>\d{4})(?!\d)"
    r"|(?<!\d)(?P<d4>\d{1,2})(?:st|nd|rd|th)?\s+"
    + _MONTH.format("m4")
    + r",?\s+(?P<y4>\d{4})(?!\d)"
    # news.cn splits the date over spans: <span class="year">2023</span> <span>05/10</span>
    r"|(?<![\d/])(?P<y5>\d{4})\s+(?P<m5>\d{1,2})\s*/\s*(?P<d5>\d{1,2})(?![\d/])",
    re.IGNORECASE,
)

# Labels in order of preference: a page's publication date beats its drafting or update date.
_LABELS: tuple[tuple[str, ...], ...] = (
    ("发布时间", "发布日期", "发表时间", "发表日期", "发表于", "published", "publication date",
     "posted"),
    ("成文日期", "发文日期", "印发日期"),
    ("更新时间", "更新日期", "updated", "last updated"),
    ("时间", "日期", "date"),
)
# 发布时间：2023-05-10 10:31 | Published on: 10 May 2023 | 日期：【2023年5月10日】
_LABEL = re.compile(
    r"(?<![a-z])(?P<label>"
    + "|".join(sorted((lb for group in _LABELS for lb in group), key=len, reverse=True))
    + r")\s*(?:on|at)?\s*[:：]?\s*[\[【(（]?\s*",
    re.IGNORECASE,
)
_RANK = {label: rank for rank, group in enumerate(_LABELS) for label in group}
GENERIC_RANK = len(_LABELS) - 1  # 时间/日期/date: any date on a page may carry them
# 本贴由某某于2005年8月12日16:12:21在〖…〗发表: a forum's or blog's "posted on"
_POSTED_AT = re.compile(r"于\s*(?=\d{4})")
_POSTED_VERB = re.compile(r"[^。\n]{0,40}?(?:发表|发布)")


def _to_date(match: re.Match[str]) -> date | None:
    """Build a date from whichever alternative of ``_DATE`` matched, if it is plausible."""
    for i in "12345":
        year = match.group(f"y{i}")
        if year:
            month = match.group(f"m{i}")
            month_no = int(month) if month.isdigit() else _MONTHS[month.lower()]
            return _valid(int(year), month_no, int(match.group(f"d{i}")))
    return None


def _valid(year: int, month: int, day: int) -> date | None:
    """Return the date if it exists and its year is within the accepted range."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """Return the first plausible date written anywhere in ``text``."""
    for match in _DATE.finditer(unicodedata.normalize("NFKC", text)):
        found = _to_date(match)
        if found:
            return found
    return None


# dates in URLs: /2017-07/25/, /2017/07/25/, /2017-07-25/ ... and digit runs: t20170725_,
# /20170725/, 20170725093000.htm (a run of 8, 12 or 14 digits: YYYYMMDD[hhmm[ss]])
_URL_DATE = re.compile(r"(?<!\d)(\d{4})[-/_](\d{1,2})[-/_](\d{1,2})(?!\d)")
_URL_DIGITS = re.compile(r"(?<!\d)(\d{8}|\d{12}|\d{14})(?!\d)")


def date_in_url(url: str) -> date | None:
    """Return the publication date a URL's path spells, if any ("/t20170725_1.html")."""
    path = urlsplit(url).path
    for match in _URL_DATE.finditer(path):
        found = _valid(int(match[1]), int(match[2]), int(match[3]))
        if found:
            return found
    for match in _URL_DIGITS.finditer(path):
        digits = match[1]
        found = _valid(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        if found:
            return found
    return None


def find_labelled_date(
    text: str, *, bare_fallback: bool = True, generic: bool = True
) -> date | None:
    """Return the date after the best label (发布时间 > 成文日期 > 更新 > 日期), else a bare one;
    ``generic=False`` leaves out the weakest labels (时间, 日期, date)."""
    text = unicodedata.normalize("NFKC", text)
    best: tuple[int, date] | None = None
    for rank, found in _labelled(text):
        if (generic or rank < GENERIC_RANK) and (best is None or rank < best[0]):
            best = (rank, found)
    if best:
        return best[1]
    return parse_date(text) if bare_fallback else None


def _labelled(text: str) -> list[tuple[int, date]]:
    """Every labelled date of a text with its label's rank; "于…发表" ranks as 发布时间."""
    found: list[tuple[int, date]] = []
    for label in _LABEL.finditer(text):
        match = _DATE.match(text, label.end())
        value = _to_date(match) if match else None
        if value:
            found.append((_RANK[label.group("label").lower()], value))
    for posted in _POSTED_AT.finditer(text):
        match = _DATE.match(text, posted.end())
        value = _to_date(match) if match else None
        if value and match and _POSTED_VERB.match(text, match.end()):
            found.append((0, value))
    return found
