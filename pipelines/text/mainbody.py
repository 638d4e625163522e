"""Main text of an HTML page: trafilatura's, checked against readability-lxml's.

Both read the page after ``layout.prepare`` (layout tables made blocks, link blocks dropped);
both outputs lose their boilerplate lines (``boilerplate.clean_lines``); ``consensus.merge``
keeps the stretch they agree on plus the running text either has around it. trafilatura stays
the engine: when the two share nothing its text is taken as it is.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from pipelines.text.boilerplate import clean_lines
from pipelines.text.consensus import merge
from pipelines.text.markup import html_text, normalise_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement


def main_text(trafilatura_text: str, tree: HtmlElement) -> str:
    """The page's main text from trafilatura's text and the prepared tree."""
    first = clean_lines(normalise_text(trafilatura_text))
    second = clean_lines(readability_text(tree))
    return merge(first, second)


def readability_text(tree: HtmlElement) -> str:
    """readability-lxml's main text of a tree (left unchanged), one block per line."""
    from readability import Document

    try:
        summary = Document(copy.deepcopy(tree)).summary(html_partial=True)
    except Exception:  # a readability bug on one odd page must not lose it: trafilatura's stands
        return ""
    return html_text(summary)
