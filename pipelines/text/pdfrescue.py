"""PDFs PDFium cannot open, read with pdfminer.six (no OCR: such a file cannot be rendered)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from pipelines.text.pdflines import Line, Reading, paragraphs
from pipelines.text.types import ExtractionError

if TYPE_CHECKING:
    from pdfminer.layout import LTPage
    from pdfminer.pdfdocument import PDFDocument


def read_pdfminer(data: bytes, pdfium_reason: str) -> Reading:
    """Read a PDF PDFium refuses with pdfminer.six, translating its failures.

    pdfminer.six stays for this one case: its pure-Python parser is lenient where PDFium stops
    (a damaged cross-reference table, odd object syntax), so a file PDFium cannot open sometimes
    still gives its text, at pdfminer's speed. No OCR here: PDFium cannot render such a file.
    """
    import pdfminer
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException

    try:
        pages, title = pdfminer_pages(data)
    except PDFPasswordIncorrect as exc:
        raise ExtractionError("encrypted PDF: a password is required") from exc
    except PDFEncryptionError as exc:
        raise ExtractionError(f"encrypted PDF: {exc or type(exc).__name__}") from exc
    except PSException as exc:
        raise ExtractionError(f"broken PDF: {type(exc).__name__}: {exc}; {pdfium_reason}"
                              ) from exc
    except Exception as exc:  # pdfminer raises bare KeyError/TypeError/... on damaged files
        raise ExtractionError(f"broken PDF: {type(exc).__name__}: {exc}; {pdfium_reason}"
                              ) from exc
    return Reading(pages, title, f"pdfminer.six-{pdfminer.__version__}")


def pdfminer_pages(data: bytes) -> tuple[list[str], str | None]:
    """Lay out every page with pdfminer and read the document's Info Title (the old path)."""
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
    """Return a pdfminer page's text, one paragraph per line."""
    return paragraphs(_layout_lines(layout))


def _layout_lines(layout: LTPage) -> list[Line]:
    """Return (text, right edge, height) of every non-empty pdfminer text line, in reading order."""
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
