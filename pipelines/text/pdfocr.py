"""OCR of a PDF's scanned pages: rendered by PDFium, read by Tesseract, within limits."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines.text import ocr
from pipelines.text.pdflines import page_ranges
from pipelines.text.types import OcrRecord

if TYPE_CHECKING:
    from pypdfium2 import PdfDocument

OCR_DPI = 300  # Tesseract reads 10–12 pt Chinese type best at about 300 dpi
OCR_MAX_PIXELS = 25_000_000  # a poster-sized page is rendered at a lower resolution


@dataclass(frozen=True)
class OcrLimits:
    """How much OCR one PDF may take: pages read and seconds spent (a crawl waits for it)."""

    max_pages: int = 20
    seconds: float = 60.0


def ocr_pages(document: PdfDocument, pages: list[str], scanned: list[int],
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
