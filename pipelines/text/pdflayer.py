"""A PDF's text layer read by PDFium: lines placed, rejoined, put in reading order."""

from __future__ import annotations

import ctypes
import functools
import math
import re
from typing import TYPE_CHECKING, NamedTuple

from pipelines.text.pdflines import Reading, paragraphs
from pipelines.text.pdfocr import OcrLimits, ocr_pages

if TYPE_CHECKING:
    from pypdfium2 import PdfTextPage

_LINE = re.compile(r"[^\r\n]+")


class PlacedLine(NamedTuple):
    """A line PDFium read and where it sits (PDF points: y grows upwards)."""

    text: str
    left: float  # left edge of its first character
    right: float  # right edge of its last character
    size: float  # type size of its last character
    baseline: float  # baseline of its first character


def read_pdfium(data: bytes, limits: OcrLimits) -> Reading:
    """Read each page's text layer, OCR the pages without one, and read the Info Title."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from pypdfium2.version import PYPDFIUM_INFO

    _without_system_fonts()
    document = pdfium.PdfDocument(data)
    try:
        pages, scanned = [], []
        for index in range(len(document)):
            page = document[index]
            try:
                pages.append(pdfium_page_text(page.get_textpage()))
                if not pages[-1] and pdfium_c.FPDFPage_CountObjects(page) > 0:
                    scanned.append(index)
            finally:
                page.close()
        record = ocr_pages(document, pages, scanned, limits) if scanned else None
        title = document.get_metadata_value("Title").strip() or None
        return Reading(pages, title, f"pypdfium2-{PYPDFIUM_INFO}", record)
    finally:
        document.close()


@functools.cache
def _without_system_fonts() -> None:
    """Stop PDFium substituting system fonts for fonts a PDF does not embed (once a process).

    Reading text needs no glyphs: character codes map to Unicode through the PDF's own maps and
    PDFium's built-in CMaps, and widths come from the PDF. Looking up a substitute (Noto CJK
    for a non-embedded STSong-Light) cost about 25 ms a page and changed no text: the bench's
    reports and every PDF fixture read the same both ways. Scanned pages are pictures, so
    rendering them for OCR needs no fonts either. This holds for every use of pypdfium2 in
    the process (none other in this project).
    """
    import pypdfium2.raw as pdfium_c

    pdfium_c.FPDF_SetSystemFontInfo(None)


def pdfium_page_text(textpage: PdfTextPage) -> str:
    """Return a page's text layer as paragraphs, one per line (closes the text page)."""
    try:
        lines = _reading_order(_rejoin(_pdfium_lines(textpage)))
        return paragraphs([(line.text, line.right, line.size) for line in lines])
    finally:
        textpage.close()


def _pdfium_lines(textpage: PdfTextPage) -> list[PlacedLine]:
    """Return every non-empty line PDFium reads, in the order the page draws them."""
    text = textpage.get_text_range()
    wide = len(text.encode("utf-16-le")) != 2 * len(text)  # characters beyond the BMP
    lines = []
    for match in _LINE.finditer(text):
        raw = match.group()
        line = " ".join(raw.split())
        if line:
            first = match.start() + len(raw) - len(raw.lstrip())
            last = match.start() + len(raw.rstrip()) - 1
            lines.append(_place(textpage, line, _char_index(textpage, text, first, wide),
                                _char_index(textpage, text, last, wide)))
    return lines


def _char_index(textpage: PdfTextPage, text: str, position: int, wide: bool) -> int:
    """Return PDFium's character index of a position in the page text (-1 for none)."""
    import pypdfium2.raw as pdfium_c

    index = len(text[:position].encode("utf-16-le")) // 2 if wide else position
    return int(pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, index))


def _place(textpage: PdfTextPage, line: str, first: int, last: int) -> PlacedLine:
    """Place a line by its first character (left edge, baseline) and last (right edge, size)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    if first < 0 or last < 0:
        return PlacedLine(line, 0.0, 0.0, 0.0, 0.0)
    try:
        left = textpage.get_charbox(first, loose=True)[0]
        right = textpage.get_charbox(last, loose=True)[2]
    except pdfium.PdfiumError:
        return PlacedLine(line, 0.0, 0.0, 0.0, 0.0)
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(textpage, first, x, y)
    # the size set by Tf times the matrix's vertical scale ("1 Tf" with "12 0 0 12 Tm" is 12 pt)
    matrix = pdfium_c.FS_MATRIX()
    scale = math.hypot(matrix.c, matrix.d) if pdfium_c.FPDFText_GetMatrix(
        textpage, last, matrix) else 1.0
    size = pdfium_c.FPDFText_GetFontSize(textpage, last) * scale
    return PlacedLine(line, float(left), float(right), float(size), y.value)


def _rejoin(lines: list[PlacedLine]) -> list[PlacedLine]:
    """Join lines PDFium broke within one printed line (a run of digits in another font)."""
    out: list[PlacedLine] = []
    for line in lines:
        previous = out[-1] if out else None
        if (previous is None or abs(line.baseline - previous.baseline) > previous.size / 4
                or not -previous.size / 4 <= line.left - previous.right <= previous.size / 2):
            out.append(line)
            continue
        glue = "" if line.left - previous.right < previous.size / 8 else " "
        out[-1] = PlacedLine(previous.text + glue + line.text, previous.left, line.right,
                             line.size, previous.baseline)
    return out


def _reading_order(lines: list[PlacedLine]) -> list[PlacedLine]:
    """Put runs of lines drawn downwards in reading order: a run wholly above another first.

    PDFium gives lines in the order the page draws them. Producers draw a body top to bottom,
    but often a header and page number first, or a footer last. A run goes down the page (a
    jump of over six lines and a quarter of the text's height, from a header to a page number,
    starts a new one); each run moves before earlier runs that lie wholly below it, and runs
    side by side (columns, table columns) keep the order they were drawn in.
    """
    if not lines:
        return lines
    jump = (max(line.baseline for line in lines) - min(line.baseline for line in lines)) / 4
    runs: list[list[PlacedLine]] = []
    for line in lines:
        previous = runs[-1][-1] if runs else None
        size = max(line.size, previous.size) if previous else 0.0
        down = previous.baseline - line.baseline if previous else 0.0
        if previous and -size / 2 <= down <= max(jump, 6 * size):
            runs[-1].append(line)
        else:
            runs.append([line])
    ordered: list[list[PlacedLine]] = []
    for run in runs:
        at = len(ordered)
        while at and _wholly_above(run, ordered[at - 1]):
            at -= 1
        ordered.insert(at, run)
    return [line for run in ordered for line in run]


def _wholly_above(run: list[PlacedLine], other: list[PlacedLine]) -> bool:
    """Tell whether every line of a run sits above every line of another."""
    return min(line.baseline for line in run) > max(line.baseline + line.size for line in other)
