"""Render the demo company's PDF reports with reportlab (dev-only; commit the output).

    python -m demo.build_pdfs

Uses reportlab's built-in CID font STSong-Light (not embedded; viewers and pdfminer map it through
the Adobe-GB1 CMap), one section per page, and a demo notice in every page footer. The runtime never
imports this module or reportlab. The texts live in ``demo/content/reports.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from demo.content import COMPANY, REPORTS, Report

FONT = "STSong-Light"
SITE = Path(__file__).parent / "site"
FOOTER = "演示文件，内容虚构（虚构企业）/ Demo document: invented content, fictional company"


def _style(name: str, size: int, leading: int, **more: Any) -> ParagraphStyle:
    """A paragraph style in the CID font, wrapping CJK text."""
    return ParagraphStyle(name, fontName=FONT, fontSize=size, leading=leading, wordWrap="CJK",
                          **more)


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """Return (title, heading, body) styles."""
    return (
        _style("title", 20, 28, alignment=1, spaceAfter=12 * mm),
        _style("heading", 15, 22, spaceAfter=5 * mm),
        _style("body", 11, 19, firstLineIndent=22, spaceAfter=3 * mm),
    )


def _footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    """Draw the demo notice and page number."""
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.drawString(20 * mm, 12 * mm, FOOTER)
    canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, f"{doc.page}")
    canvas.restoreState()


def render(report: Report, out: Path) -> None:
    """Write one report: a cover page, then one page per section."""
    title, heading, body = _styles()
    story: list[object] = [
        Spacer(1, 60 * mm),
        Paragraph(report.title, title),
        Paragraph(f"{COMPANY}　{report.date[:4]}年{int(report.date[5:7])}月", heading),
    ]
    for head, paras in report.sections:
        story.append(PageBreak())
        story.append(Paragraph(head, heading))
        story.extend(Paragraph(p, body) for p in paras)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(
        str(out),
        pagesize=A4,
        title=report.title,
        author=COMPANY,
        subject="演示文件，内容虚构",
        creator="demo/build_pdfs.py",
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        invariant=1,
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)


def build(site: Path = SITE) -> None:
    """Render every report under ``site`` (demo/site)."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    for report in REPORTS:
        render(report, site / report.path.lstrip("/"))


if __name__ == "__main__":
    build()
