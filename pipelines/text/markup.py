"""Parse HTML and read its visible text block by block (BeautifulSoup over lxml).

Element text is rebuilt block by block so that inline tags (``来源：<span>新华社</span>``) never
split a line, and hidden elements (``hidden``, inline ``display:none``) are left out.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "iframe", "svg"}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip


def parse_html(html: str) -> BeautifulSoup:
    """Parse HTML with lxml through BeautifulSoup."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "lxml")


def normalise_text(text: str) -> str:
    """Collapse whitespace inside lines and drop blank lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def visible_text(root: Tag) -> str:
    """Return the visible text under an element, one block element per line."""
    from bs4.element import NavigableString, PreformattedString, Tag

    parts: list[str] = []
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            parts.append("\n")
        elif isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA
                parts.append(str(node))
        elif isinstance(node, Tag) and node.name not in SKIP_TAGS and not hidden(node):
            if node.name == "br":
                parts.append("\n")
                continue
            block = node.name in BLOCK_TAGS
            stack.extend([None] if block else [])
            stack.extend(reversed(node.contents))
            parts.extend(["\n"] if block else [])
    return normalise_text("".join(parts))


def html_text(html: str) -> str:
    """Return the visible text of an HTML string or fragment, one block per line."""
    return visible_text(parse_html(html))


def hidden(tag: Tag) -> bool:
    """Tell whether an element is hidden by a ``hidden`` attribute or inline display:none."""
    style = str(tag.get("style") or "").replace(" ", "").lower()
    return tag.has_attr("hidden") or "display:none" in style


def selected_text(soup: BeautifulSoup, css: str | None, join: str = " ") -> str | None:
    """Return the normalised text of all elements matching a CSS selector, or None."""
    if not css:
        return None
    texts = [visible_text(tag) for tag in soup.select(css)]
    text = join.join(t.replace("\n", join) for t in texts if t)
    return text or None


def meta_content(soup: BeautifulSoup, names: Collection[str]) -> str | None:
    """Return the content of the first <meta name|property> in ``names`` (case-insensitive)."""
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").strip().lower()
        content = " ".join(str(tag.get("content") or "").split())
        if key in names and content:
            return content
    return None
