"""Turn a fetched body (HTML, plain text or PDF) into main text plus page metadata.

Main text comes from trafilatura: it is maintained, benchmarks well on news and government pages,
and removes navigation and boilerplate that would otherwise produce false hits. It is called with
``favor_recall=True`` because a missed paragraph is lost evidence while a kept menu line merely
costs a researcher a glance; the flagger, not the extractor, decides what matters. Chinese portals
often defeat its heuristics, so it reads the page with its layout tables turned into blocks and
its link blocks dropped (``layout``), and its text is checked line by line against readability-
lxml's (``mainbody``, ``consensus``) and cleaned of boilerplate lines (``boilerplate``); measured
with ``bench/extraction.py``. Short or empty results fall back to a BeautifulSoup pass over the
usual CMS containers (``.TRS_Editor``, ``#content``, ...).

Metadata comes from BeautifulSoup over the *whole* visible page: 来源/责任编辑/文号/发布时间 lines
sit above or below the article body, where trafilatura discards them, and site-specific CSS
selectors from a source file need a real DOM. Element text is rebuilt block by block so that
inline tags (``来源：<span>新华社</span>``) never split a line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pipelines.text.dates import date_in_url, find_labelled_date, parse_date
from pipelines.text.encoding import charset_from_content_type, decode_body
from pipelines.text.layout import prepare
from pipelines.text.markup import (
    meta_content,
    normalise_text,
    parse_html,
    selected_text,
    visible_text,
)
from pipelines.text.metadata import find_metadata
from pipelines.text.office import extract_office, is_word_document
from pipelines.text.pageauthor import page_author
from pipelines.text.pagebody import main_text_of
from pipelines.text.pagedates import date_after_text, date_near_title
from pipelines.text.pagetitle import printed_title
from pipelines.text.pdf import extract_pdf
from pipelines.text.types import Extracted, ExtractionError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup
    from lxml.html import HtmlElement

__all__ = [
    "extract_document", "extract_html", "extract_pdf", "extract_text", "normalise_text",
    "parse_html", "visible_text",
]

# Bump when a change to extraction (this module, pdf, encoding, metadata, dates, options, or a
# library upgrade) changes the text or metadata of stored pages: `evidence reprocess` then
# re-extracts every stored capture from its raw bytes (evidence/services/reprocess.py).
EXTRACTOR_VERSION = "5"  # 2: a declared charset that gives implausible text is overridden;
# PDF text read by PDFium instead of pdfminer.six, pages without a text layer by OCR;
# 3: HTML main text checked against readability-lxml on a tree without layout tables and link
# blocks, boilerplate lines dropped; dates by the title and in URLs; reporter lines, By-lines and
# meta tags as authors; titles as printed; Chinese charsets decoded leniently (bad bytes counted);
# 4: authors: every writer of a byline block (通讯员, 实习生), names alone under the title, a
# label's value in the next cell, 发文机关, English bylines under the title, JSON-LD persons,
# trafilatura's on non-Chinese pages; a date alone ending the text; a dash subtitle is not the
# title; licence, filing and hotline footers and the head's 发布时间 line dropped;
# 5: link blocks measured without the markup's whitespace, a news site's comment box dropped,
# 重点推荐 ends the text, the last-resort block chosen from the page without its link blocks
_DATE_META = {
    "pubdate", "publishdate", "publish_date", "publishtime", "article:published_time",
    "og:article:published_time", "dc.date.issued", "dcterms.issued",
}  # fmt: skip
_SITE_META = ("sitename", "og:site_name")
# "标题_沙泉县人民政府" | "Title - Example Daily" | "标题 | 示例时报" | "标题-新华网"
_TITLE_SEP = re.compile(r"\s+[-–—|·]\s+|\s*[_|｜]\s*|(?<=[\u4e00-\u9fff])-(?=[\u4e00-\u9fff])")
_OFFICE_MAGIC = (b"\xd0\xcf\x11\xe0", b"PK\x03\x04")  # OLE2 (.doc/.xls/.wps), ZIP (.docx/...)
_HTML_TYPES = {"text/html", "application/xhtml+xml", "application/xml", "text/xml"}
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}


def extract_html(html: str, url: str, selectors: Mapping[str, str] | None = None) -> Extracted:
    """Extract main text, title, date and metadata lines from an HTML page."""
    selectors = selectors or {}
    soup = parse_html(html)
    page_text = visible_text(soup)
    # trafilatura only when a selector does not already give title, date or body (the costliest
    # step: sources with selectors skip it); the same call, so the same result, when it runs
    tree = functools.cache(lambda: prepare(html))
    doc = functools.cache(lambda: _trafilatura(tree(), url))
    meta = find_metadata(page_text)
    text = main_text_of(html, soup, doc, tree, selectors.get("body"))
    title = _title(soup, doc, selectors.get("title"), page_text, text)
    published_at = _published_at(soup, page_text, doc, selectors.get("date")) or _page_date(
        page_text, url, title, text, doc)
    publisher = (selected_text(soup, selectors.get("publisher"))
                 or meta_content(soup, _SITE_META))
    language_hint = _language_hint(soup)
    return Extracted(
        text=text,
        title=title,
        published_at=published_at,
        publisher=publisher,
        origin=meta.origin,
        editor=meta.editor,
        author=meta.author or page_author(soup, page_text, text, title, meta.organ, doc),
        doc_number=meta.doc_number,
        language_hint=language_hint,
        extractor=html_extractor_name(),
    )


@functools.cache
def html_extractor_name() -> str:
    """The HTML extractor's name with its libraries' versions."""
    from importlib.metadata import version

    return "html:" + "+".join(
        f"{name}-{version(package)}" for name, package in
        (("trafilatura", "trafilatura"), ("readability", "readability-lxml"),
         ("bs4", "beautifulsoup4"))
    )


def _trafilatura(tree: HtmlElement, url: str) -> Any:
    """Run trafilatura with metadata on the prepared tree; return its Document or None."""
    import trafilatura

    try:
        # no extensive date search: its year-only guesses ("2023-01-01") are worse than none
        return trafilatura.bare_extraction(
            tree, url=url, include_comments=False, favor_recall=True, with_metadata=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # a trafilatura bug on one odd page must not lose it: bs4 takes over
        return None


def _title(
    soup: BeautifulSoup, doc: Callable[[], Any], title_css: str | None, page_text: str, text: str
) -> str | None:
    """Return the title: selector > as printed above the text > trafilatura > <h1> > <title>,
    without a site suffix."""
    selected = selected_text(soup, title_css)
    if selected:
        return selected
    candidates = [
        doc().title if doc() is not None else None,
        visible_text(soup.h1).replace("\n", " ") if soup.h1 else None,
        soup.title.get_text() if soup.title else None,
        meta_content(soup, ("og:title",)),
    ]
    printed = printed_title(page_text, text, [c for c in candidates if c], guess=not soup.h1)
    if printed:
        return printed
    for candidate in candidates:
        if candidate and candidate.strip():
            return strip_site_suffix(candidate)
    return None


def strip_site_suffix(title: str) -> str:
    """Drop site/channel names around a title ("标题_沙泉县人民政府" gives "标题")."""
    parts = [part.strip() for part in _TITLE_SEP.split(" ".join(title.split()))]
    return max(parts, key=len)


def _published_at(
    soup: BeautifulSoup, page_text: str, doc: Callable[[], Any], date_css: str | None
) -> date | None:
    """Return the date the page labels: selector > <meta> PubDate > labelled page date."""
    # spaces between elements: "<em>05</em>/<em>10</em><span>10:15</span>" must not glue
    tags = soup.select(date_css) if date_css else []
    selected = " ".join(tag.get_text(" ", strip=True) for tag in tags)
    if selected:
        found = find_labelled_date(selected)
        if found:
            return found
    labelled = find_labelled_date(page_text, bare_fallback=False, generic=False)
    for value in (meta_content(soup, _DATE_META), labelled):
        found = parse_date(value) if isinstance(value, str) else value
        if found:
            return found
    return None


def _page_date(
    page_text: str, url: str, title: str | None, text: str, doc: Callable[[], Any]
) -> date | None:
    """Return a date the page does not label as published: printed by the title > after a
    generic label (时间, 日期) > in the URL > alone on a line ending the text > trafilatura's."""
    found = (date_near_title(page_text, title, text)
             or find_labelled_date(page_text, bare_fallback=False) or date_in_url(url)
             or date_after_text(page_text, text))
    if found:
        return found
    return parse_date(doc().date) if doc() is not None and doc().date else None


def _language_hint(soup: BeautifulSoup) -> str | None:
    """Return the page's declared language (<html lang>, xml:lang or Content-Language)."""
    html = soup.find("html")
    lang = (html.get("lang") or html.get("xml:lang")) if html is not None else None
    if not lang:
        for tag in soup.find_all("meta"):
            if str(tag.get("http-equiv") or "").lower() == "content-language":
                lang = tag.get("content")
    return (str(lang).strip() or None) if lang else None


def extract_text(text: str) -> Extracted:
    """Wrap a plain-text document: normalised lines, first line as title, labelled metadata."""
    text = normalise_text(text)
    if not text:
        raise ExtractionError("no text extracted")
    meta = find_metadata(text)
    return Extracted(
        text=text,
        title=text.split("\n", 1)[0],
        published_at=meta.published_at,
        origin=meta.origin,
        editor=meta.editor,
        author=meta.author,
        doc_number=meta.doc_number,
        extractor="text:plain",
    )


def document_kind(body: bytes, content_type: str | None, url: str) -> str:
    """Classify a body as "pdf", "word", "text", "html" or "unsupported: <type>"."""
    head = body[:1024]
    mime = (content_type or "").split(";")[0].strip().lower()
    ext = PurePosixPath(urlsplit(url).path).suffix.lower()
    if b"%PDF-" in head or mime == "application/pdf":
        return "pdf"
    if is_word_document(body, content_type, url):
        return "word"
    if head.startswith(_OFFICE_MAGIC):
        return f"unsupported: {mime or ext or 'binary'}"
    if mime == "text/plain":
        return "text"
    if mime in _HTML_TYPES:
        return "html"
    if mime not in _GENERIC_TYPES:
        return f"unsupported: {mime}"
    if ext in {".pdf", ".txt"}:  # no useful media type: trust the URL
        return "pdf" if ext == ".pdf" else "text"
    if ext in {".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".zip", ".rar"}:
        return f"unsupported: {ext}"
    return "html"


def extract_document(
    body: bytes,
    content_type: str | None,
    url: str,
    *,
    header_charset: str | None = None,
    encoding_override: str | None = None,
    selectors: Mapping[str, str] | None = None,
) -> Extracted:
    """Extract any fetched body: PDF, Word (.docx/.doc/.wps), plain text or (by default) HTML."""
    kind = document_kind(body, content_type, url)
    if kind == "pdf":
        return extract_pdf(body)
    if kind == "word":
        return extract_office(body)
    if kind.startswith("unsupported"):
        raise ExtractionError(f"unsupported content type: {kind.split(': ', 1)[1]}")
    charset = header_charset or charset_from_content_type(content_type)
    decoded = decode_body(body, charset, encoding_override)
    if kind == "text":
        extracted = extract_text(decoded.text)
    else:
        extracted = extract_html(decoded.text, url, selectors)
    return replace(extracted, charset=decoded.charset, charset_note=decoded.note,
                   replaced_bytes=decoded.replaced)
