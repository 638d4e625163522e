"""Extract per-page text and a title/date from PDF bytes: PDFium's text layer, OCR for scans.

The text layer is read with PDFium (pypdfium2): a compiled library, about 17 times faster than
pdfminer.six on a 150-page Chinese report (``python -m bench.pdf``), which matters for company
annual reports of 200–400 pages and the PDFs government portals attach every day. Pages are
joined with ``PAGE_SEPARATOR`` ("\\n\\f\\n"): the form feed marks the page break for people
reading the stored text, the newlines keep sentence splitting from gluing two pages, and
``Extracted.page_starts`` gives each page's offset so a hit can be cited as "page N". Within a
page, each printed line that runs to the right margin without closing punctuation was wrapped
and is joined to the next (no space between Han characters), so a PDF paragraph reads like an
HTML paragraph; the margin is taken from body-size lines only (footers in small print do not
move it).

Scanned pages: a page with no text layer but something drawn on it (a scanner's picture) is
rendered by PDFium at 300 dpi and read by Tesseract (pipelines/text/ocr.py), up to
``OcrLimits`` pages and seconds per document. ``Extracted.ocr`` records the engine, the pages
whose text is OCR output and what was left unread (a limit hit, OCR unavailable), so analysts
can tell a quote read by a machine from the PDF's own text.
"""

from __future__ import annotations

import ctypes
import functools
import io
import math
import re
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from pipelines.text import ocr
from pipelines.text.dates import find_labelled_date
from pipelines.text.types import Extracted, ExtractionError, OcrRecord

if TYPE_CHECKING:
    from pdfminer.layout import LTPage
    from pdfminer.pdfdocument import PDFDocument
    from pypdfium2 import PdfDocument, PdfTextPage

PAGE_SEPARATOR = "\n\f\n"
MAX_TITLE_CHARS = 200
OCR_DPI = 300  # Tesseract reads 10–12 pt Chinese type best at about 300 dpi
OCR_MAX_PIXELS = 25_000_000  # a poster-sized page is rendered at a lower resolution
_PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe
_LINE = re.compile(r"[^\r\n]+")
_HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# "Microsoft Word - 附件1.docx", "untitled", "Slide 1", "Document1"
_MEANINGLESS_TITLE = re.compile(
    r"(?i)^(?:microsoft \w+ - .*|untitled|anonymous|document\d*|slide \d+"
    r"|\S+\.(?:docx?|wps|pdf|xlsx?|pptx?|txt))$"
)
_CLOSERS = tuple("。！？；：.!?;:”’」』)）】")
Line = tuple[str, float, float]  # text, right edge, height (PDF points)


class PlacedLine(NamedTuple):
    """A line PDFium read and where it sits (PDF points: y grows upwards)."""

    text: str
    left: float  # left edge of its first character
    right: float  # right edge of its last character
    size: float  # type size of its last character
    baseline: float  # baseline of its first character


@dataclass(frozen=True)
class OcrLimits:
    """How much OCR one PDF may take: pages read and seconds spent (a crawl waits for it)."""

    max_pages: int = 20
    seconds: float = 60.0


@dataclass(frozen=True)
class Reading:
    """What one engine read from a PDF: page texts, Info title, engine name, OCR record."""

    pages: list[str]
    title: str | None
    engine: str  # "pypdfium2-5.15.2", "pdfminer.six-20260107"
    ocr: OcrRecord | None = None


def extract_pdf(data: bytes, limits: OcrLimits | None = None) -> Extracted:
    """Extract per-page text, title and labelled date from a PDF; raise ExtractionError."""
    if not data.strip():
        raise ExtractionError("empty PDF")
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("not a PDF (no %PDF- header)")
    reading = read_pdf(data, limits or OcrLimits())
    pages = reading.pages
    if not any(pages):
        raise ExtractionError(_no_text_reason(reading.ocr))
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + len(PAGE_SEPARATOR)
    text = PAGE_SEPARATOR.join(pages)
    return Extracted(
        text=text,
        title=_meaningful_title(reading.title) or _first_line(text),
        published_at=find_labelled_date(next(p for p in pages if p), bare_fallback=False),
        page_starts=tuple(starts),
        extractor=_extractor(reading),
        ocr=reading.ocr,
    )


def _extractor(reading: Reading) -> str:
    """Name the engines that made the text: "pdf:pypdfium2-5.15.2[+tesseract-5.3.0]"."""
    if reading.ocr is None or not reading.ocr.pages:
        return f"pdf:{reading.engine}"
    return f"pdf:{reading.engine}+" + "-".join(reading.ocr.engine.split(" ")[:2])


def _no_text_reason(record: OcrRecord | None) -> str:
    """Why a PDF gave no text: blank pages, or scanned pages OCR could not read."""
    if record is None:
        return "PDF has no extractable text: its pages are blank"
    if not record.engine:  # "no text layer on pages 1–3; OCR unavailable (...)"
        return f"PDF has no extractable text: {record.note}"
    return f"PDF has no extractable text: no text layer; {record.note or 'OCR found no text'}"


def read_pdf(data: bytes, limits: OcrLimits) -> Reading:
    """Read every page with PDFium (OCR for scanned pages); pdfminer when PDFium cannot open it."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        with _PDFIUM_LOCK:
            return _read_pdfium(data, limits)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ExtractionError("encrypted PDF: a password is required") from exc
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise ExtractionError("encrypted PDF: unsupported security handler") from exc
        return _read_pdfminer(data, f"PDFium: {exc}")


def _read_pdfium(data: bytes, limits: OcrLimits) -> Reading:
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
        record = _ocr_pages(document, pages, scanned, limits) if scanned else None
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
        return _paragraphs([(line.text, line.right, line.size) for line in lines])
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


def _ocr_pages(document: PdfDocument, pages: list[str], scanned: list[int],
               limits: OcrLimits) -> OcrRecord:
    """OCR the scanned pages in place, within the limits; return what was read and left."""
    tesseract = ocr.find_tesseract()
    if tesseract is None:
        return OcrRecord("", (), f"no text layer on {page_ranges([i + 1 for i in scanned])}; "
                                 f"{ocr.unavailable_reason()}")
    deadline = time.monotonic() + limits.seconds
    read: list[int] = []
    empty: list[int] = []
    notes: list[str] = []
    for count, index in enumerate(scanned):
        limit = _limit_reached(limits, count, deadline)
        if limit is None:
            try:
                pages[index] = ocr.read_image(tesseract, *_page_image(document, index),
                                              deadline - time.monotonic())
            except ocr.OcrTimeout:
                limit = f"time limit ({limits.seconds:g} s)"
            except ocr.OcrError as exc:
                notes.append(f"page {index + 1}: {exc}")
                continue
        if limit is not None:
            unread = page_ranges([i + 1 for i in scanned[count:]])
            notes.append(f"OCR {limit} reached: {unread} not read")
            break
        (read if pages[index] else empty).append(index)
    if empty:
        notes.insert(0, f"OCR found no text on {page_ranges([i + 1 for i in empty])}")
    return OcrRecord(tesseract.engine, tuple(i + 1 for i in read), "; ".join(notes))


def _limit_reached(limits: OcrLimits, done: int, deadline: float) -> str | None:
    """Name the OCR limit reached before the next page, if any."""
    if done >= limits.max_pages:
        return f"page limit ({limits.max_pages})"
    if time.monotonic() >= deadline:
        return f"time limit ({limits.seconds:g} s)"
    return None


def _page_image(document: PdfDocument, index: int) -> tuple[bytes, int]:
    """Render a page in greyscale for OCR; return the PGM bytes and the resolution used."""
    import pypdfium2 as pdfium

    try:
        page = document[index]
    except pdfium.PdfiumError as exc:
        raise ocr.OcrError(f"cannot be rendered ({exc})") from exc
    try:
        width, height = page.get_size()
        scale = min(OCR_DPI / 72, math.sqrt(OCR_MAX_PIXELS / max(width * height, 1.0)))
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            image = ocr.pgm(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer))
        finally:
            bitmap.close()
        return image, round(scale * 72)
    except pdfium.PdfiumError as exc:
        raise ocr.OcrError(f"cannot be rendered ({exc})") from exc
    finally:
        page.close()


def page_ranges(numbers: Sequence[int]) -> str:
    """Name 1-based page numbers: [5] gives "page 5", [1, 2, 3, 6] gives "pages 1–3, 6"."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    named = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans)
    return f"page {named}" if len(numbers) == 1 else f"pages {named}"


def _read_pdfminer(data: bytes, pdfium_reason: str) -> Reading:
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
    return _paragraphs(_layout_lines(layout))


def _paragraphs(lines: list[Line]) -> str:
    """Join lines into paragraphs, one per output line: lines that run to the margin are joined."""
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
