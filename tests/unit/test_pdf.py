"""extract_pdf on PDFs generated here with reportlab's built-in Chinese CID font."""

import io
from datetime import date

import pytest

from pipelines.text.extract import extract_document
from pipelines.text.pdf import PAGE_SEPARATOR, extract_pdf
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
    assert (doc.charset, doc.extractor) == (None, "pdf:pdfminer.six-20260107")


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
