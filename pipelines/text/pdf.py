"""Extract per-page text and a title/date from PDF bytes with pdfminer.six.

Pages are joined with ``PAGE_SEPARATOR`` ("\\n\\f\\n"): the form feed marks the page break for
people reading the stored text, the newlines keep sentence splitting from gluing two pages, and
``Extracted.page_starts`` gives each page's offset so a hit can be cited as "page N". Within a page,
each pdfminer text box becomes one line (its wrapped lines joined without a space between Han
characters), so a PDF paragraph reads like an HTML paragraph.
"""

from __future__ import annotations

import io
import re
import statistics
from typing import TYPE_CHECKING, Any

from pipelines.text.dates import find_labelled_date
from pipelines.text.types import Extracted, ExtractionError

if TYPE_CHECKING:
    from pdfminer.layout import LTPage
    from pdfminer.pdfdocument import PDFDocument

PAGE_SEPARATOR = "\n\f\n"
MAX_TITLE_CHARS = 200
_HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# "Microsoft Word - 附件1.docx", "untitled", "Slide 1", "Document1"
_MEANINGLESS_TITLE = re.compile(
    r"(?i)^(?:microsoft \w+ - .*|untitled|anonymous|document\d*|slide \d+"
    r"|\S+\.(?:docx?|wps|pdf|xlsx?|pptx?|txt))$"
)


def extract_pdf(data: bytes) -> Extracted:
    """Extract per-page text, title and labelled date from a PDF; raise ExtractionError."""
    import pdfminer

    if not data.strip():
        raise ExtractionError("empty PDF")
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("not a PDF (no %PDF- header)")
    pages, info_title = _read_pdf(data)
    if not any(pages):
        raise ExtractionError("PDF has no extractable text (scanned images?)")
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + len(PAGE_SEPARATOR)
    text = PAGE_SEPARATOR.join(pages)
    return Extracted(
        text=text,
        title=_meaningful_title(info_title) or _first_line(text),
        published_at=find_labelled_date(next(p for p in pages if p), bare_fallback=False),
        page_starts=tuple(starts),
        extractor=f"pdf:pdfminer.six-{pdfminer.__version__}",
    )


def _read_pdf(data: bytes) -> tuple[list[str], str | None]:
    """Return each page's text and the Info Title, translating pdfminer failures."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException

    try:
        return _pages_and_title(data)
    except PDFPasswordIncorrect as exc:
        raise ExtractionError("encrypted PDF: a password is required") from exc
    except PDFEncryptionError as exc:
        raise ExtractionError(f"encrypted PDF: {exc or type(exc).__name__}") from exc
    except PSException as exc:
        raise ExtractionError(f"broken PDF: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # pdfminer raises bare KeyError/TypeError/... on damaged files
        raise ExtractionError(f"broken PDF: {type(exc).__name__}: {exc}") from exc

_CLOSERS = tuple("。！？；：.!?;:”’」』)）】")


def _pages_and_title(data: bytes) -> tuple[list[str], str | None]:
    """Lay out every page with pdfminer and read the document's Info Title."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(io.BytesIO(data)))
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
        pages.append(_page_text(device.get_result()))
    return pages, _info_title(document)


def _page_text(layout: LTPage) -> str:
    """Return a page's text, one paragraph per line: lines that run to the margin are joined."""
    lines = _layout_lines(layout)
    if not lines:
        return ""
    # body-size lines only: page numbers and footers in small print sit further right
    body_height = statistics.median(height for _, _, height in lines)
    right_margin = max(x1 for _, x1, height in lines if height >= body_height)
    out: list[str] = []
    joining = False
    for text, x1, height in lines:
        if joining:
            out[-1] = _join_lines([out[-1], text])
        else:
            out.append(text)
        # a line that reaches the right margin without closing punctuation was wrapped
        joining = x1 >= right_margin - 2 * height and not text.endswith(_CLOSERS)
    return "\n".join(out)


def _layout_lines(layout: LTPage) -> list[tuple[str, float, float]]:
    """Return (text, right edge, height) of every non-empty text line, in reading order."""
    from pdfminer.layout import LTTextContainer, LTTextLine

    lines = []
    for element in layout:
        if not isinstance(element, LTTextContainer):
            continue
        children: list[LTTextContainer[Any]] = [
            c for c in element if isinstance(c, LTTextLine)
        ] or [element]
        for line in children:
            text = " ".join(line.get_text().split())
            if text:
                lines.append((text, float(line.x1), float(line.height)))
    return lines


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no space between Han characters, one space elsewhere."""
    out = ""
    for line in (" ".join(raw.split()) for raw in lines):
        if not line:
            continue
        glue = "" if not out or (_HAN.match(out[-1]) and _HAN.match(line[0])) else " "
        out += glue + line
    return out


def _info_title(document: PDFDocument) -> str | None:
    """Return the Title entry of the PDF Info dictionary, decoded, if present."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for info in document.info:
        title = resolve1(info.get("Title"))
        if isinstance(title, bytes):
            return decode_text(title).strip() or None
        if isinstance(title, str):
            return title.strip() or None
    return None


def _meaningful_title(title: str | None) -> str | None:
    """Return the metadata title unless it is empty or a placeholder/file name."""
    if not title or _MEANINGLESS_TITLE.match(title.strip()):
        return None
    return " ".join(title.split())[:MAX_TITLE_CHARS]


def _first_line(text: str) -> str | None:
    """Return the first non-empty line of the text, as a title."""
    for line in text.splitlines():
        if line.strip() and line.strip() != "\f":
            return line.strip()[:MAX_TITLE_CHARS]
    return None
