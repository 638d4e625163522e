"""Lines of a PDF page read into paragraphs, and naming pages; shared by both PDF readers."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.text.types import OcrRecord

_HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_CLOSERS = tuple("。！？；：.!?;:”’」』)）】")
Line = tuple[str, float, float]  # text, right edge, height (PDF points)


@dataclass(frozen=True)
class Reading:
    """What one engine read from a PDF: page texts, Info title, engine name, OCR record."""

    pages: list[str]
    title: str | None
    engine: str  # "pypdfium2-5.15.2", "pdfminer.six-20260107"
    ocr: OcrRecord | None = None


def paragraphs(lines: list[Line]) -> str:
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


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no space between Han characters, one space elsewhere."""
    out = ""
    for line in (" ".join(raw.split()) for raw in lines):
        if not line:
            continue
        glue = "" if not out or (_HAN.match(out[-1]) and _HAN.match(line[0])) else " "
        out += glue + line
    return out


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
