"""`python -m bench.pdf`: PDF text with PDFium (pypdfium2) against the old pdfminer.six path.

    python -m bench.pdf                  # two 150-page Chinese reports, 3 timed runs of each path
    python -m bench.pdf --pages 400 --runs 1 --keep /tmp/pdfbench

Two PDFs, built deterministically from the synthetic corpus (``bench.synthetic``, one section
of ~1,000 characters a page; the SHA-256 of each is printed):

- **embedded font**: HTML printed to PDF by headless Chromium with Noto Serif CJK SC
  (fonts-noto-cjk), a subset embedded as a CID font with a ToUnicode map, the way word
  processors and typesetters write Chinese reports (the creation dates are fixed afterwards);
- **STSong-Light, not embedded**: reportlab's built-in CID font, as in demo/build_pdfs.py and
  the tests, with a running header and page numbers drawn before each page's body.

Each is read in this process with ``pipelines.text.pdfrescue.pdfminer_pages`` (what extraction ran
before: pdfminer.six's layout analysis, page by page) and ``pipelines.text.pdf.read_pdf``
(PDFium, with the scanned-page check), alternating; the best and median times, their ratio and
the page-by-page comparison are printed. Not part of the test suite: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import logging
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from bench.synthetic import document

FONT = "STSong-Light"
COMPANY = "示例铝业股份有限公司（虚构）"
CHARS_PER_PAGE = 1000  # a synthetic document of this length fills most of an A4 page
FIXED_DATE = b"D:20240101000000+00'00'"
_RADICALS = ("\u2e80", "\u2fdf")  # CJK Radicals Supplement and Kangxi Radicals


@dataclass(frozen=True)
class Comparison:
    """Both paths' timings on one PDF and how their page texts compare."""

    old_times: list[float]
    new_times: list[float]
    pages: tuple[int, int]  # pages read by pdfminer, by PDFium
    same: int  # pages with identical text
    same_but_radicals: int  # the same characters, whitespace aside, but for radicals pdfminer read
    radicals: int  # how many such characters
    chars: int  # characters PDFium read


def sections(pages: int, seed: int = 17) -> list[tuple[str, list[str]]]:
    """One (heading, paragraphs) section a page, from the synthetic corpus."""
    return [(f"第{page + 1}节 经营情况讨论与分析",
             document(page, seed=seed, chars=CHARS_PER_PAGE).text.split("\n"))
            for page in range(pages)]


def stsong_pdf(pages: int) -> bytes:
    """A report with reportlab's STSong-Light (not embedded): header, headings, page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    heading = ParagraphStyle("h", fontName=FONT, fontSize=15, leading=24, wordWrap="CJK",
                             spaceAfter=4 * mm)
    body = ParagraphStyle("b", fontName=FONT, fontSize=11, leading=19, wordWrap="CJK",
                          firstLineIndent=22, spaceAfter=2 * mm)
    story = []
    for title, paragraphs in sections(pages):
        story.append(Paragraph(title, heading))
        story.extend(Paragraph(text, body) for text in paragraphs)
        story.append(PageBreak())
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"{COMPANY}2023年年度报告",
                            leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, invariant=1)
    doc.build(story[:-1], onFirstPage=_furniture, onLaterPages=_furniture)
    return buffer.getvalue()


def _furniture(canvas: Any, doc: Any) -> None:
    """Draw the running header and the page number (before the page's body, as platypus does)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    canvas.setFont(FONT, 8)
    canvas.drawString(20 * mm, A4[1] - 12 * mm, f"{COMPANY} 2023年年度报告")
    canvas.drawCentredString(A4[0] / 2, 10 * mm, f"{doc.page}")


def embedded_pdf(pages: int) -> bytes | None:
    """The same report printed by headless Chromium with Noto Serif CJK SC; None without it."""
    program = next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                                   "google-chrome"))), None)
    if program is None:
        return None
    with tempfile.TemporaryDirectory(prefix="pdfbench-") as work:
        page, out = Path(work, "report.html"), Path(work, "report.pdf")
        page.write_text(_html(pages), encoding="utf-8")
        subprocess.run([program, "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()],
                       capture_output=True, timeout=300, check=False)
        if not out.exists():
            return None
        data = out.read_bytes()
    return re.sub(rb"D:\d{14}[^)]*", FIXED_DATE, data)  # the only bytes that vary


def _html(pages: int) -> str:
    """The report as HTML: one section a printed page."""
    style = ("@page{size:A4;margin:20mm} body{font-family:'Noto Serif CJK SC';font-size:11pt;"
             "line-height:1.7} h2{font-size:15pt;margin:0 0 4mm} p{margin:0 0 2mm;"
             "text-indent:2em} section{break-after:page}")
    body = "".join(f"<section><h2>{escape(title)}</h2>"
                   + "".join(f"<p>{escape(text)}</p>" for text in paragraphs) + "</section>"
                   for title, paragraphs in sections(pages))
    return (f"<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>{COMPANY}"
            f"2023年年度报告</title><style>{style}</style></head><body>{body}</body></html>")


def compare(data: bytes, runs: int) -> Comparison:
    """Time both paths on the same bytes, alternating, and compare their pages."""
    from pipelines.text.pdf import read_pdf
    from pipelines.text.pdfocr import OcrLimits
    from pipelines.text.pdfrescue import pdfminer_pages

    old_times: list[float] = []
    new_times: list[float] = []
    old: list[str] = []
    new: list[str] = []
    for _ in range(runs):
        took, old = _timed(lambda: pdfminer_pages(data)[0])
        old_times.append(took)
        took, new = _timed(lambda: read_pdf(data, OcrLimits()).pages)
        new_times.append(took)
    pairs = list(zip(old, new, strict=False))
    radicals = [_radicals_only(a, b) for a, b in pairs]
    return Comparison(old_times, new_times, (len(old), len(new)), sum(a == b for a, b in pairs),
                      sum(r is not None for r in radicals), sum(r or 0 for r in radicals),
                      sum(map(len, new)))


def _timed(read: Callable[[], list[str]]) -> tuple[float, list[str]]:
    """Run a reader once; return its wall time and result."""
    started = time.perf_counter()
    pages = read()
    return time.perf_counter() - started, pages


def _radicals_only(old: str, new: str) -> int | None:
    """How many characters differ, whitespace aside, when each is a radical pdfminer read in
    place of a Han character; None when anything else differs."""
    old, new = "".join(old.split()), "".join(new.split())
    if len(old) != len(new):
        return None
    differ = [a for a, b in zip(old, new, strict=True) if a != b]
    if not all(_RADICALS[0] <= a <= _RADICALS[1] for a in differ):
        return None
    return len(differ)


def report(name: str, data: bytes, result: Comparison) -> None:
    """Print one PDF's figures."""
    old, new = result.old_times, result.new_times
    print(f"\n{name} ({result.pages[0]} pages, {len(data) / 1e6:.1f} MB, sha256 "
          f"{hashlib.sha256(data).hexdigest()[:16]}…; {len(old)} runs of each, alternating)")
    _line("pdfminer.six (before)", f"{min(old):.2f} s", f"median {statistics.median(old):.2f} s")
    _line("pypdfium2 (now)", f"{min(new):.3f} s",
          f"median {statistics.median(new):.3f} s; {result.chars:,} characters")
    _line("ratio (best of each)", f"{min(old) / min(new):.1f}x", "(goal >= 10x)")
    _line("ratio (medians)", f"{statistics.median(old) / statistics.median(new):.1f}x")
    _line("pages with the same text", f"{result.same} of {result.pages[0]}",
          f"(PDFium read {result.pages[1]} pages)")
    if result.same_but_radicals > result.same:
        why = (f"({result.radicals:,} characters pdfminer read as CJK radicals, e.g. ⼯ for 工, "
               "with a space beside many; PDFium reads 工)" if result.radicals else
               "(a wrapped line one joins and the other does not)")
        _line("... the same but for radicals and whitespace",
              f"{result.same_but_radicals} of {result.pages[0]}", why)


def _line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<46} {value:>14}  {note}")


def main(argv: list[str] | None = None) -> int:
    """Build both PDFs, time both paths on each, print the figures; 1 if a page differs."""
    p = argparse.ArgumentParser(prog="python -m bench.pdf", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pages", type=int, default=150)
    p.add_argument("--runs", type=int, default=3, help="timed runs of each path")
    p.add_argument("--keep", type=Path, help="also write the generated PDFs into this folder")
    args = p.parse_args(argv)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # FontBBox warnings on every page
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    pdfs = {"Embedded font (Chromium, Noto Serif CJK SC)": embedded_pdf(args.pages),
            "STSong-Light, not embedded (reportlab)": stsong_pdf(args.pages)}
    ok = True
    for name, data in pdfs.items():
        if data is None:
            print(f"\n{name}: skipped (no chromium: apt-get install chromium fonts-noto-cjk)")
            continue
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"{name.split()[0].lower()}.pdf").write_bytes(data)
        result = compare(data, args.runs)
        report(name, data, result)
        ok = ok and result.pages[0] == result.pages[1] == result.same_but_radicals
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
