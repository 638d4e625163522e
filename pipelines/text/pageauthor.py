"""The author of an HTML page no 作者/记者 label names: bylines, JSON-LD, <meta>, trafilatura."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pipelines.text.authors import (
    ENGLISH_HEAD,
    MAX_NAMES,
    clean_byline,
    closing_name,
    english_byline,
    english_head_byline,
    han_names,
    is_desk,
    name_line,
    posted_by,
    reporter,
    written_by,
)
from pipelines.text.pagedates import head_lines, text_start

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

_AUTHOR_META = {
    "author", "byline", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author",
    "article:author", "og:article:author",
}  # fmt: skip


def page_author(
    soup: BeautifulSoup, page_text: str, text: str, title: str | None, organ: str | None,
    doc: Callable[[], Any],
) -> str | None:
    """Return the author no 作者/记者 label names: a reporter line (the text's, then the
    page's) > 文/ > the poster > an English byline under the title > JSON-LD persons > a By-line
    near the top > names alone under the title > a closing （name） > the issuing organ (发文机关)
    > <meta name=author> > trafilatura's (not on Chinese pages)."""
    page_lines = page_text.split("\n")
    lines = text.split("\n") + page_lines
    head = head_lines(page_lines, title, text)
    return (
        reporter(lines) or written_by(lines) or posted_by(page_text)
        or english_head_byline(head or _under_title(page_lines, title))
        or _ld_author(soup, page_text) or english_byline(page_lines)
        or name_line(head, title) or name_line(_above_text(page_lines, title, text), title)
        or closing_name(text, page_lines) or organ or _meta_author(soup)
        or _trafilatura_author(doc, text, page_text)
    )


MAX_HAN_SHARE = 0.3  # trafilatura's author guesses on Chinese pages are mostly site names


def _trafilatura_author(doc: Callable[[], Any], text: str, page_text: str) -> str | None:
    """trafilatura's author (read from elements classed author or byline) on a page that is not
    Chinese, each of its "; "-separated parts cleaned ("Greg Roe; Ap Sports Writer" gives the
    person) and printed on the page; the last resort, as its guesses also hold dates and site
    names."""
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if not text or han > MAX_HAN_SHARE * len(text) or doc() is None or not doc().author:
        return None
    names = [clean_byline(part) for part in str(doc().author).split(";")]
    found = [name for name in names if name and name in page_text  # as the page prints it
             and not re.search(r"[\u4e00-\u9fff]", name)]
    people = [name for name in found if not is_desk(name)]  # "Greg Roe; Ap Sports Writer"
    found = people or found[:1]
    return " and ".join(dict.fromkeys(found)) if found else None


def _under_title(page_lines: list[str], title: str | None) -> list[str]:
    """The lines under the title's first appearance, when the text's start is not found."""
    key = " ".join((title or "").split())
    if len(key) < 8:
        return []
    first = next((i for i, line in enumerate(page_lines) if key in " ".join(line.split())), None)
    return page_lines[first + 1 : first + 1 + ENGLISH_HEAD] if first is not None else []


_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Report|WebPage|Posting", re.IGNORECASE)


def _ld_author(soup: BeautifulSoup, page_text: str) -> str | None:
    """The persons a JSON-LD article names as its authors, if the page prints their names (an
    organisation as author is the publisher, not a byline)."""
    names: list[str] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        stack = [data]
        while stack and len(names) < MAX_NAMES:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [])
                kind = " ".join(item["@type"]) if isinstance(item.get("@type"), list) else str(
                    item.get("@type", ""))
                if _ARTICLE_TYPES.search(kind) and not names:
                    names = _ld_person_names(item.get("author"))
    found = [name for name in names if name in page_text]
    return " and ".join(found) if found else None


def _ld_person_names(author: Any) -> list[str]:
    """The names of the persons in a JSON-LD ``author`` value (a name, a Person, a list)."""
    names = []
    for item in author if isinstance(author, list) else [author]:
        if isinstance(item, str):
            name = item
        elif isinstance(item, dict) and str(item.get("@type", "Person")) == "Person":
            name = str(item.get("name") or "")
        else:
            continue
        cleaned = clean_byline(" ".join(name.split())) if name.strip() else None
        if cleaned and cleaned not in names:
            names.append(cleaned)
    return names[:MAX_NAMES]


def _above_text(page_lines: list[str], title: str | None, text: str) -> list[str]:
    """The page line right above the main text when the title is not found above it (an
    essay's "标题 / 作者 / 正文" whose title was read from a subtitle)."""
    if head_lines(page_lines, title, text):
        return []
    start = text_start(page_lines, text, title)
    return page_lines[start - 2 : start] if start and start >= 2 else []


def _meta_author(soup: BeautifulSoup) -> str | None:
    """Return a <meta> author that names a person, not a profile URL."""
    for tag in soup.find_all("meta"):  # the first that names someone: not a profile URL
        key = str(tag.get("name") or tag.get("property") or "").strip().lower()
        found = " ".join(str(tag.get("content") or "").split())
        if key in _AUTHOR_META and found and not found.lower().startswith(
            ("http:", "https:", "@", "www.")
        ):
            # "赵 培": one name typeset with a space; "Jill Disis, CNN Business": the person
            return han_names(found) or clean_byline(found) or found
    return None
