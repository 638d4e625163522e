"""The unlabelled date a page prints between its title and its text.

Chinese article templates print the date bare, beside or under the title: "2017-07-25 10:32
来源：…", "BUSINESS.SOHU.COM 2005年3月11日12:12", "2017年07月25日　作者：…". It is the first date in
the lines from the title down to the main text's first line, and in the text's own first lines
before its first sentence (作者, 译, a date); when the title or the text is not found on the
page, in the few lines under the title or above the text. Dates in the running text (events,
deadlines) and in sidebars are never looked at.
"""

from __future__ import annotations

import re
from datetime import date

from pipelines.text.boilerplate import is_prose
from pipelines.text.dates import parse_date

HEAD_LINES = 8  # lines under the title (above the text) searched when the other end is unknown
MAX_HEAD = 15  # a title further than this above the text is another title (a sidebar's)
KEY_CHARS = 12  # letters and digits of a line that identify it on the page
BYLINE_LINES = 4  # lines at the top of the text that may still be its byline and date
CLOSING_LINES = 3  # lines after the text (and its own last lines) that may hold a closing date
# a line that is only a date, as essays and notices end: "2005年3月12日", "（2005年3月12日于沙泉）"
_DATE_LINE = re.compile(
    r"[(（]?\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
    r"\s*(?:于\s*\S{1,12})?\s*[)）]?"
)


def date_near_title(page_text: str, title: str | None, text: str) -> date | None:
    """Return the first date printed between the title and the main text, if any."""
    lines = page_text.split("\n")
    for window in _windows(lines, title, text):
        for line in window:
            found = parse_date(line)
            if found:
                return found
    return None


def head_lines(lines: list[str], title: str | None, text: str) -> list[str]:
    """The page lines from under the title down to the main text, and the text's own first
    lines before its first sentence: where a byline is printed ([] when either end is not
    found on the page)."""
    body = text_start(lines, text, title)
    head = _find_above(lines, title, body)
    if head is None or body is None:
        return []
    return lines[head + 1 : body] + _byline(lines[body:])


def date_after_text(page_text: str, text: str) -> date | None:
    """The date a line of its own prints at the end of the text or right under it, as an essay
    or a notice is dated (a 落款); only lines that hold nothing but the date count."""
    body = [line for line in text.split("\n") if line.strip()]
    if not body:
        return None
    lines = page_text.split("\n")
    last_key = _key(body[-1])
    end = next((i for i in range(len(lines) - 1, -1, -1)
                if len(last_key) >= 4 and last_key in _key_all(lines[i])), None)
    after = lines[end + 1 : end + 1 + CLOSING_LINES] if end is not None else []
    for line in body[-CLOSING_LINES:] + after:
        if _DATE_LINE.fullmatch(line.strip()):
            return parse_date(line)
    return None


def text_start(lines: list[str], text: str, title: str | None = None) -> int | None:
    """The page line where the main text begins (its title aside), if it is found."""
    return _find(lines, _first_line(text, title), 0)


def _windows(lines: list[str], title: str | None, text: str) -> list[list[str]]:
    """Where the page's date may be printed: between the title and the text, else under the
    title's first appearance or above the text."""
    body = text_start(lines, text, title)
    head = _find_above(lines, title, body)
    first = _find(lines, title, 0)
    windows = []
    if head is not None and body is not None:
        windows.append(lines[head + 1 : body] + _byline(lines[body:]))
    if first is not None:
        end = first + 1 + HEAD_LINES
        windows.append(lines[first + 1 : min(end, body) if body and body > first else end])
    if body is not None and head is None:
        windows.append(lines[max(0, body - HEAD_LINES) : body] + _byline(lines[body:]))
    return windows


def _byline(lines: list[str]) -> list[str]:
    """The text's first lines up to its first sentence (作者, 译, a date): part of its head."""
    head = []
    for line in lines[:BYLINE_LINES]:
        if is_prose(line):
            break
        head.append(line)
    return head


def _key(line: str) -> str:
    """A line's first letters and digits, lower case: how it is looked for on the page."""
    return "".join(ch for ch in line.lower() if ch.isalnum())[:KEY_CHARS]


def _first_line(text: str, title: str | None) -> str | None:
    """The main text's first line long enough to be found on the page, the title aside (a
    line that starts with the title counts from where the title ends)."""
    for line in text.split("\n"):
        rest = _after_title(line, title)
        if len(_key(rest)) >= KEY_CHARS:
            return rest
    return None


def _after_title(line: str, title: str | None) -> str:
    """The line without the title it starts with ("- 标题 最后更新: …" gives " 最后更新: …")."""
    plain, key = line.lstrip("-*·• \t"), (title or "").strip()
    return plain[len(key) :] if key and plain.startswith(key) else line


def _find(lines: list[str], needle: str | None, start: int) -> int | None:
    """The first page line from ``start`` holding the needle's key."""
    key = _key(needle or "")
    if len(key) < 4:
        return None
    return next((i for i in range(start, len(lines)) if key in _key_all(lines[i])), None)


def _find_above(lines: list[str], title: str | None, body: int | None) -> int | None:
    """The title's line nearest above the text (the first on the page when the text is not
    found); None when it is not on the page or too far above the text."""
    key = _key(title or "")
    if len(key) < 4:
        return None
    if body is None:
        return _find(lines, title, 0)
    return next((i for i in range(body - 1, max(-1, body - MAX_HEAD - 1), -1)
                 if key in _key_all(lines[i])), None)


def _key_all(line: str) -> str:
    """All of a line's letters and digits, lower case."""
    return "".join(ch for ch in line.lower() if ch.isalnum())
