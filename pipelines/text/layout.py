"""Undo the page layouts that defeat main-text extractors, on an lxml tree.

Old government portals, forums and 2000s CMS pages lay the whole page out in nested tables:
menu, article and footer are cells of one table, so an extractor that keeps tables keeps them
all. A table that holds other tables or paragraph-sized cells is layout, and its table, row and
cell tags become ``div``s, and so do the tables inside it (its menu bars and info strips,
which otherwise cut trafilatura's text short); a table of short cells that is not inside a
layout table (a statistics table in a notice) stays.
Blocks made of links (menus, 相关新闻 lists, link footers) go: three or more links, most of the
text in them and little text besides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement

LAYOUT_CELL_CHARS = 100  # a cell holding this much text is a page region, not a data cell
CELL_BLOCKS = {"p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "dl", "form", "center"}
TABLE_TAGS = ("table", "tbody", "thead", "tfoot", "tr", "td", "th")
LINK_BLOCKS = "//ul|//ol|//div|//td|//table|//dl|//nav|//p|//section"
MIN_LINKS = 3
LINK_SHARE = 0.6  # of a block's text inside its links
MAX_OTHER_CHARS = 100  # text outside links a link block may hold (a heading, separators)


def parse_tree(html: str) -> HtmlElement:
    """Parse an HTML string into an lxml tree (an empty page gives an empty <html>)."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        return lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def prepare(html: str) -> HtmlElement:
    """Parse a page, turn its layout tables into blocks and drop its link blocks."""
    tree = parse_tree(html)
    unwrap_layout_tables(tree)
    drop_link_blocks(tree)
    return tree


def unwrap_layout_tables(tree: HtmlElement) -> None:
    """Rename the table, row and cell tags of every layout table to ``div``."""
    for table in reversed(tree.xpath("//table")):
        if is_layout_table(table):
            for element in table.iter(*TABLE_TAGS):  # nested tables too: a layout's bars
                element.tag = "div"


def is_layout_table(table: HtmlElement) -> bool:
    """Tell whether a table lays out a page: nested tables, block content or long cells."""
    if table.xpath(".//table"):
        return True
    for cell in table.xpath("./tr/td|./tr/th|./*/tr/td|./*/tr/th"):
        if len(cell.text_content().strip()) > LAYOUT_CELL_CHARS:
            return True
        if any(isinstance(el.tag, str) and el.tag in CELL_BLOCKS for el in cell.iterdescendants()):
            return True
    return False


def drop_link_blocks(tree: HtmlElement) -> None:
    """Remove blocks that are mostly links and hold little other text."""
    for block in tree.xpath(LINK_BLOCKS):
        if block.getparent() is not None and is_link_block(block):
            block.drop_tree()


def is_link_block(block: HtmlElement) -> bool:
    """Tell whether a block is a list of links (menu, related links, link footer)."""
    links = block.xpath(".//a")
    if len(links) < MIN_LINKS:
        return False
    total = _visible_chars(block.text_content())
    linked = sum(_visible_chars(link.text_content()) for link in links)
    return bool(total) and linked / total >= LINK_SHARE and total - linked < MAX_OTHER_CHARS


def _visible_chars(text: str) -> int:
    """Count the characters a reader sees: whitespace (the markup's indentation) does not count."""
    return sum(1 for ch in text if not ch.isspace())
