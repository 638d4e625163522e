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
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import date
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

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
from pipelines.text.dates import date_in_url, find_labelled_date, parse_date
from pipelines.text.encoding import charset_from_content_type, decode_body
from pipelines.text.layout import prepare
from pipelines.text.mainbody import main_text
from pipelines.text.markup import BLOCK_TAGS, SKIP_TAGS, normalise_text, parse_html, visible_text
from pipelines.text.metadata import find_metadata
from pipelines.text.office import extract_office, is_word_document
from pipelines.text.pagedates import date_after_text, date_near_title, head_lines, text_start
from pipelines.text.pagetitle import printed_title
from pipelines.text.pdf import extract_pdf
from pipelines.text.types import Extracted, ExtractionError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
    from lxml.html import HtmlElement

__all__ = [
    "extract_document", "extract_html", "extract_pdf", "extract_text", "normalise_text",
    "parse_html", "visible_text",
]

# Bump when a change to extraction (this module, pdf, encoding, metadata, dates, options, or a
# library upgrade) changes the text or metadata of stored pages: `evidence reprocess` then
# re-extracts every stored capture from its raw bytes (db/reprocess.py).
EXTRACTOR_VERSION = "4"  # 2: a declared charset that gives implausible text is overridden;
# PDF text read by PDFium instead of pdfminer.six, pages without a text layer by OCR;
# 3: HTML main text checked against readability-lxml on a tree without layout tables and link
# blocks, boilerplate lines dropped; dates by the title and in URLs; reporter lines, By-lines and
# meta tags as authors; titles as printed; Chinese charsets decoded leniently (bad bytes counted);
# 4: authors: every writer of a byline block (通讯员, 实习生), names alone under the title, a
# label's value in the next cell, 发文机关, English bylines under the title, JSON-LD persons,
# trafilatura's on non-Chinese pages; a date alone ending the text; a dash subtitle is not the
# title; licence, filing and hotline footers and the head's 发布时间 line dropped
MIN_MAIN_TEXT_CHARS = 30  # shorter trafilatura output is menus or a redirect stub
SIBLING_SHARE = 0.3  # fallback: a sibling block with this share of the best block's text joins it
_BOILERPLATE = "nav, header, footer, aside, .nav, #nav, .header, #header, .footer, #footer, .menu"
_CONTAINERS = "article, #content, .article, .TRS_Editor, .content"
_DATE_META = {
    "pubdate", "publishdate", "publish_date", "publishtime", "article:published_time",
    "og:article:published_time", "dc.date.issued", "dcterms.issued",
}  # fmt: skip
_SITE_META = ("sitename", "og:site_name")
_AUTHOR_META = {
    "author", "byline", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author",
    "article:author", "og:article:author",
}  # fmt: skip
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
    text = _main_text(html, soup, doc, tree, selectors.get("body"))
    title = _title(soup, doc, selectors.get("title"), page_text, text)
    published_at = _published_at(soup, page_text, doc, selectors.get("date")) or _page_date(
        page_text, url, title, text, doc)
    publisher = _selected_text(soup, selectors.get("publisher")) or _meta(soup, _SITE_META)
    language_hint = _language_hint(soup)
    return Extracted(
        text=text,
        title=title,
        published_at=published_at,
        publisher=publisher,
        origin=meta.origin,
        editor=meta.editor,
        author=meta.author or _author(soup, page_text, text, title, meta.organ, doc),
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


def _main_text(
    html: str, soup: BeautifulSoup, doc: Callable[[], Any], tree: Callable[[], HtmlElement],
    body_css: str | None,
) -> str:
    """Pick the main text: body selector (strict) > trafilatura checked against readability
    (``mainbody``) > largest CMS container."""
    if body_css:
        selected = _selected_text(soup, body_css, join="\n")
        if not selected:
            # strict on purpose: a stale selector must show up as errors, not as menu text
            raise ExtractionError(f"no text extracted: body selector {body_css!r} matched nothing")
        return selected
    text = main_text(doc().text or "" if doc() is not None else "", tree())
    if len(text) >= MIN_MAIN_TEXT_CHARS:
        return text
    text = _largest_block(parse_html(html))  # a soup of its own: it prunes what it reads
    if not text:
        raise ExtractionError("no text extracted")
    return text


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


def _selected_text(soup: BeautifulSoup, css: str | None, join: str = " ") -> str | None:
    """Return the normalised text of all elements matching a CSS selector, or None."""
    if not css:
        return None
    texts = [visible_text(tag) for tag in soup.select(css)]
    text = join.join(t.replace("\n", join) for t in texts if t)
    return text or None


def _title(
    soup: BeautifulSoup, doc: Callable[[], Any], title_css: str | None, page_text: str, text: str
) -> str | None:
    """Return the title: selector > as printed above the text > trafilatura > <h1> > <title>,
    without a site suffix."""
    selected = _selected_text(soup, title_css)
    if selected:
        return selected
    candidates = [
        doc().title if doc() is not None else None,
        visible_text(soup.h1).replace("\n", " ") if soup.h1 else None,
        soup.title.get_text() if soup.title else None,
        _meta(soup, ("og:title",)),
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
    for value in (_meta(soup, _DATE_META), labelled):
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


def _author(
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


def _meta(soup: BeautifulSoup, names: Collection[str]) -> str | None:
    """Return the content of the first <meta name|property> in ``names`` (case-insensitive)."""
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").strip().lower()
        content = " ".join(str(tag.get("content") or "").split())
        if key in names and content:
            return content
    return None


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
