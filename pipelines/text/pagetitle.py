"""The title as the page prints it above its text.

A page's <title> and the extractors' guesses are often not its headline: old portals and blogs
title every page with the site's name ("沙泉县人民政府", "某某的博客"), others append the site
after "--" or a space ("标题 东区办事处"), and trafilatura cuts some titles at an ASCII quote.
The headline is the line printed just above the main text: the candidate found there (as
printed, so without a site suffix and not cut short), else, on a page without an <h1>, the
nearest line right above the text that reads like a headline (not a breadcrumb, menu, date,
来源/作者 line, 文号, share button, sentence or a subtitle opening with a dash).
"""

from __future__ import annotations

import re

from pipelines.text.authors import name_line
from pipelines.text.boilerplate import is_boilerplate
from pipelines.text.dates import parse_date
from pipelines.text.pagedates import text_start

HEAD_LINES = 30  # lines above the text where a candidate title is looked for
NEAR_LINES = 6  # lines above the text where a headline-like line is taken when none is found
MIN_TITLE = 5  # letters and digits of a headline
MAX_TITLE = 60
SUFFIX_SHARE = 0.5  # a printed line this long a part of a candidate is its headline sans suffix
# breadcrumbs, 来源：…, sentences, share buttons, 文号 lines, menus ("首页 政务公开 通知公告")
_NOT_HEADLINE = re.compile(
    r"[>»|｜]|^\S{1,6}[:：]|。$|分享|〔\d{4}〕|[［\[]\d{4}[］\]]|^(\S{1,4}\s+){2,}\S{1,4}$"
    r"|^\s*(?:——|--|—)"  # "——写在…之际": a subtitle, printed under the headline
)
_SUBTITLE = re.compile(r"^\s*(?:——|--|—)\s*\S")
MIN_SHORT_TITLE = 2  # an essay's headline over its subtitle may be a word ("犬儒病")


def printed_title(
    page_text: str, text: str, candidates: list[str], *, guess: bool = True
) -> str | None:
    """The headline printed above the text: a candidate as printed, else (``guess``: the page
    has no <h1>) the nearest headline-like line right above the text."""
    lines = page_text.split("\n")
    body = text_start(lines, text)
    if body is None:
        return None
    region = [line.strip() for line in reversed(lines[max(0, body - HEAD_LINES) : body + 1])]
    for candidate in candidates:
        found = _as_printed(_plain(candidate), region)
        if found:
            return found
    near = region[1 : NEAR_LINES + 1] if guess else []
    return _above_subtitle(near) or next((line for line in near if _headline_like(line)), None)


def _above_subtitle(near: list[str]) -> str | None:
    """An essay's headline over its writer's name and a subtitle opening with a dash (lines
    "犬儒病(上)" / "胡某" / "——当代…" read upwards): the line above them, however short."""
    if not near or not _SUBTITLE.match(near[0]):
        return None
    rest = near[1:]
    if rest and name_line(rest[:1]):
        rest = rest[1:]
    if rest and MIN_SHORT_TITLE <= len(_plain(rest[0])) <= MAX_TITLE and not is_boilerplate(
        rest[0]
    ) and not _NOT_HEADLINE.search(rest[0]) and parse_date(rest[0]) is None:
        return rest[0]
    return None


def _plain(line: str) -> str:
    """A line's letters and digits, lower case."""
    return "".join(ch for ch in line.lower() if ch.isalnum())


def _as_printed(wanted: str, region: list[str]) -> str | None:
    """The region line that prints a candidate: the same, without its suffix, or uncut."""
    if len(wanted) < MIN_TITLE:
        return None
    for line in region:
        plain = _plain(line)
        if plain == wanted:
            return line
        if wanted.startswith(plain) and len(plain) >= max(MIN_TITLE, SUFFIX_SHARE * len(wanted)):
            return line
        if plain.startswith(wanted) and len(plain) <= MAX_TITLE and _headline_like(line):
            return line
    return None


def _headline_like(line: str) -> bool:
    """Tell whether a line reads like a headline: short, not a date, label, link or sentence."""
    size = len(_plain(line))
    return (MIN_TITLE <= size <= MAX_TITLE and not is_boilerplate(line)
            and not _NOT_HEADLINE.search(line) and parse_date(line) is None)
