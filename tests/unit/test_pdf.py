"""extract_pdf on PDFs generated here with reportlab's built-in Chinese CID font."""

import io
from datetime import date
from typing import Any

import pytest

from pipelines.text.extract import extract_document
from pipelines.text.pdf import PAGE_SEPARATOR, extract_pdf, read_pdf
from pipelines.text.pdflayer import PlacedLine, _reading_order, _rejoin
from pipelines.text.pdfocr import OcrLimits
from pipelines.text.pdfrescue import pdfminer_pages
from pipelines.text.types import ExtractionError

PAGE_1 = [
    "沙泉县2023年转移就业工作总结",
    "发布日期：2023年12月20日",
    "全年实现农村富余劳动力转移就业3200人次。",
]
PAGE_2 = ["第二部分：沙泉示例铝业有限公司接收务工人员120人。"]


def make_pdf(pages: list[list[str]], title: str | None = None, encrypt: str | None = None) -> bytes:
    """Draw each page's lines with STSong-Light (UniGB-UCS2-H), one line per 20 points."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    if title is not None:
        pdf.setTitle(title)
    for lines in pages:
        pdf.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            pdf.drawString(72, 760 - 40 * i, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_two_page_chinese_pdf() -> None:
    doc = extract_pdf(make_pdf([PAGE_1, PAGE_2], title="沙泉县转移就业工作总结（2023）"))
    page_1, page_2 = "\n".join(PAGE_1), "\n".join(PAGE_2)
    assert doc.text == page_1 + PAGE_SEPARATOR + page_2
    assert doc.page_starts == (0, len(page_1) + len(PAGE_SEPARATOR))
    assert doc.text[doc.page_starts[1] :].startswith("第二部分：沙泉示例铝业有限公司")
    assert doc.title == "沙泉县转移就业工作总结（2023）"
    assert doc.published_at == date(2023, 12, 20)
    assert (doc.charset, doc.extractor) == (None, "pdf:pypdfium2-5.15.2")


@pytest.mark.parametrize("title", [None, "untitled", "Microsoft Word - 附件1.docx", "  "])
def test_placeholder_title_falls_back_to_first_line(title: str | None) -> None:
    assert extract_pdf(make_pdf([PAGE_1], title=title)).title == "沙泉县2023年转移就业工作总结"


def test_date_only_from_a_label() -> None:
    doc = extract_pdf(make_pdf([["沙泉县简报", "2023年5月8日"]]))
    assert doc.published_at is None


def test_dispatch_by_magic_bytes() -> None:
    doc = extract_document(make_pdf([PAGE_2]), "application/octet-stream", "https://x.cn/f?id=1")
    assert (doc.text, doc.page_starts, doc.charset) == (PAGE_2[0], (0,), None)


def test_blank_pdf_has_no_text() -> None:
    with pytest.raises(ExtractionError, match="no extractable text"):
        extract_pdf(make_pdf([[], []]))


def test_encrypted_pdf() -> None:
    with pytest.raises(ExtractionError, match="encrypted PDF"):
        extract_pdf(make_pdf([PAGE_1], encrypt="secret"))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty PDF"),
        (b"   \n", "empty PDF"),
        (b"hello world", "not a PDF"),
        (b"%PDF-1.4\n\x00\xff garbage", "broken PDF"),
    ],
)
def test_broken_pdfs(data: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError, match=reason):
        extract_pdf(data)


def test_truncated_pdf() -> None:
    data = make_pdf([PAGE_1, PAGE_2])
    for cut in (len(data) // 2, len(data) - 40, 200):
        with pytest.raises(ExtractionError, match="broken PDF"):
            extract_pdf(data[:cut])


def report_pdf(sections: list[tuple[str, list[str]]]) -> bytes:
    """A small report as reportlab's platypus lays it out: wrapped CJK paragraphs, one section a
    page, a running header and page number drawn before each page's body."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    def furniture(canvas: Any, doc: Any) -> None:
        canvas.setFont("STSong-Light", 8)
        canvas.drawString(60, A4[1] - 36, "沙泉示例铝业有限公司 2023年年度报告")
        canvas.drawCentredString(A4[0] / 2, 28, str(doc.page))

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    heading = ParagraphStyle("h", fontName="STSong-Light", fontSize=15, leading=24)
    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=11, leading=19,
                          wordWrap="CJK", firstLineIndent=22)
    story: list[Any] = []
    for title, paragraphs in sections:
        story += [Paragraph(title, heading), *(Paragraph(p, body) for p in paragraphs)]
        story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="沙泉示例铝业有限公司2023年年度报告",
                      invariant=1).build(story[:-1], onFirstPage=furniture,
                                         onLaterPages=furniture)
    return buffer.getvalue()


REPORT = [
    ("第一节 重要提示", ["公司董事会及全体董事保证本报告内容的真实、准确和完整，不存在虚假记载、"
                   "误导性陈述或者重大遗漏，并承担个别和连带的法律责任。本报告所涉及的未来计划"
                   "不构成公司对投资者的实质承诺。", "本报告为测试用虚构文件。"]),
    ("第二节 员工情况", ["报告期内，公司接收沙泉县有组织转移的农村富余劳动力320人，安排在电解"
                   "车间和铸造车间工作，公司统一组织岗前培训，实行集中食宿管理。",
                   "公司在职员工的数量合计1812人。"]),
    ("第三节 管理层讨论与分析", ["报告期内，公司生产电解铝21.2万吨，同比增长3.5%。"]),
]


def test_pdfium_reads_the_same_words_per_page_as_pdfminer() -> None:
    data = report_pdf(REPORT)
    old, old_title = pdfminer_pages(data)
    new = read_pdf(data, OcrLimits())
    assert new.engine.startswith("pypdfium2-") and new.ocr is None
    assert len(new.pages) == len(old) == 3
    assert [page.split() for page in new.pages] == [page.split() for page in old]
    assert new.title == old_title == "沙泉示例铝业有限公司2023年年度报告"
    # wrapped lines joined into one paragraph; header first, page number last, as printed
    header, title, first, second, number = new.pages[1].split("\n")
    assert header == "沙泉示例铝业有限公司 2023年年度报告"
    assert (title, number) == ("第二节 员工情况", "2")
    assert first.startswith("报告期内，") and first.endswith("实行集中食宿管理。")


def test_pdfminer_reads_a_pdf_pdfium_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdfium2

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise pypdfium2.PdfiumError("Failed to load document (PDFium: Data format error).", 3)

    monkeypatch.setattr(pypdfium2, "PdfDocument", refuse)
    doc = extract_pdf(make_pdf([PAGE_1, PAGE_2]))
    assert doc.text == "\n".join(PAGE_1) + PAGE_SEPARATOR + "\n".join(PAGE_2)
    assert doc.extractor.startswith("pdf:pdfminer.six-") and doc.ocr is None


def test_lines_broken_within_a_printed_line_are_rejoined() -> None:
    # PDFium sometimes breaks a printed line where a run of digits in another font begins
    lines = [PlacedLine("高标准农田", 63.0, 130.0, 11.0, 700.0),
             PlacedLine("4309万亩，推广节水灌溉。", 130.4, 260.0, 11.0, 700.2),
             PlacedLine("下一行", 63.0, 96.0, 11.0, 681.0)]
    joined = [line.text for line in _rejoin(lines)]
    assert joined == ["高标准农田4309万亩，推广节水灌溉。", "下一行"]


def test_runs_drawn_out_of_order_are_read_top_down() -> None:
    def line(text: str, baseline: float, left: float = 60.0) -> PlacedLine:
        return PlacedLine(text, left, left + 100, 11.0, baseline)

    footer_first = [line("页脚", 30), line("标题", 780), line("正文一", 750), line("正文二", 720)]
    assert [x.text for x in _reading_order(footer_first)] == ["标题", "正文一", "正文二", "页脚"]
    columns = [line("左一", 700), line("左二", 680), line("右一", 700, 300), line("右二", 680, 300)]
    assert [x.text for x in _reading_order(columns)] == ["左一", "左二", "右一", "右二"]
