"""Find publication dates in Chinese and English page text."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

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
    ("发布时间", "发布日期", "发表时间", "发表日期", "published", "publication date", "posted"),
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


def find_labelled_date(text: str, *, bare_fallback: bool = True) -> date | None:
    """Return the date after the best label (发布时间 > 成文日期 > 更新 > 日期), else a bare one."""
    text = unicodedata.normalize("NFKC", text)
    best: tuple[int, date] | None = None
    for label in _LABEL.finditer(text):
        match = _DATE.match(text, label.end())
        found = _to_date(match) if match else None
        rank = _RANK[label.group("label").lower()]
        if found and (best is None or rank < best[0]):
            best = (rank, found)
    if best:
        return best[1]
    return parse_date(text) if bare_fallback else None
