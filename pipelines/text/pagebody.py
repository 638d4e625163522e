"""The main text of an HTML page: body selector (strict) > trafilatura checked against
readability (``mainbody``) > largest CMS container."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pipelines.text.layout import prepare
from pipelines.text.mainbody import main_text
from pipelines.text.markup import (
    BLOCK_TAGS,
    SKIP_TAGS,
    normalise_text,
    parse_html,
    selected_text,
    visible_text,
)
from pipelines.text.types import ExtractionError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
    from lxml.html import HtmlElement

MIN_MAIN_TEXT_CHARS = 30  # shorter trafilatura output is menus or a redirect stub
SIBLING_SHARE = 0.3  # fallback: a sibling block with this share of the best block's text joins it
_BOILERPLATE = "nav, header, footer, aside, .nav, #nav, .header, #header, .footer, #footer, .menu"
_CONTAINERS = "article, #content, .article, .TRS_Editor, .content"


def main_text_of(
    html: str, soup: BeautifulSoup, doc: Callable[[], Any], tree: Callable[[], HtmlElement],
    body_css: str | None,
) -> str:
    """Pick the main text: body selector (strict) > trafilatura checked against readability
    (``mainbody``) > largest CMS container."""
    if body_css:
        selected = selected_text(soup, body_css, join="\n")
        if not selected:
            # strict on purpose: a stale selector must show up as errors, not as menu text
            raise ExtractionError(f"no text extracted: body selector {body_css!r} matched nothing")
        return selected
    text = main_text(doc().text or "" if doc() is not None else "", tree())
    if len(text) >= MIN_MAIN_TEXT_CHARS:
        return text
    text = _largest_block(parse_html(_prepared_html(html)))  # its own soup: it prunes what it reads
    if not text:
        raise ExtractionError("no text extracted")
    return text


def _prepared_html(html: str) -> str:
    """The page as HTML after ``layout.prepare``: its link blocks (menus, 相关新闻 lists) gone."""
    import lxml.html

    return str(lxml.html.tostring(prepare(html), encoding="unicode"))


def _largest_block(soup: BeautifulSoup) -> str:
    """Return the longest CMS container's text, else the block holding most paragraph text."""
    for tag in soup.select(_BOILERPLATE):
        tag.decompose()
    texts = [visible_text(tag) for tag in soup.select(_CONTAINERS)]
    best = max(texts, key=len, default="")
    if best:
        return best
    return normalise_text("\n".join(visible_text(tag) for tag in _densest_blocks(soup)))


def _densest_blocks(soup: BeautifulSoup) -> list[Tag]:
    """Return the element holding most paragraph text plus its text-rich siblings."""
    from bs4.element import PreformattedString, Tag

    credit: dict[int, int] = {}
    for string in soup.find_all(string=True):
        parent = string.parent
        if isinstance(string, PreformattedString) or parent is None or parent.name in SKIP_TAGS:
            continue
        block = parent if parent.name in BLOCK_TAGS else parent.find_parent(BLOCK_TAGS)
        owner = (block.parent if block is not None else None) or block or parent
        # Full credit to the paragraph's container, half to the one above it.
        for tag, share in ((owner, 2), (owner.parent, 1)):
            if tag is not None:
                credit[id(tag)] = credit.get(id(tag), 0) + share * len(string.strip())
    tags = {id(tag): tag for tag in soup.find_all(True)}
    ranked = [key for key in credit if key in tags and credit[key] > 0]
    if not ranked:
        return []
    best = tags[max(ranked, key=lambda key: credit[key])]
    if best.parent is None:
        return [best]
    # Paragraphs split over sibling <div>s: keep siblings with a fair share of the text.
    floor = credit[id(best)] * SIBLING_SHARE
    return [
        tag
        for tag in best.parent.children
        if isinstance(tag, Tag) and (tag is best or credit.get(id(tag), 0) >= floor)
    ]
