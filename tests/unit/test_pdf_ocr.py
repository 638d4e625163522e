"""Scanned PDFs: pages without a text layer are read by Tesseract, bounded and recorded.

The fixture tests/fixtures/pdf/scanned_notice.pdf is our own invented notice drawn as a picture
in an image-only PDF (tests/fixtures/pdf/build_scanned.py writes it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.text import ocr
from pipelines.text.detect import Detector
from pipelines.text.pdf import PAGE_SEPARATOR, extract_pdf
from pipelines.text.pdfocr import OcrLimits
from pipelines.text.types import ExtractionError
from tests.unit.test_pdf import PAGE_1, make_pdf

SCANNED = Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "scanned_notice.pdf"
KEY_TERMS = ("新疆维吾尔自治区", "有组织转移农村富余劳动力1200人", "专列", "集中管理")
needs_tesseract = pytest.mark.skipif(
    ocr.find_tesseract() is None,
    reason="Debian's tesseract-ocr with tesseract-ocr-chi-sim/chi-tra is not installed "
           "(.ci/run does)")


def pages_pdf(*pages: bytes) -> bytes:
    """Join the pages of PDFs into one PDF (PDFium)."""
    import io

    import pypdfium2

    joined = pypdfium2.PdfDocument.new()
    for data in pages:
        joined.import_pages(pypdfium2.PdfDocument(data))
    buffer = io.BytesIO()
    joined.save(buffer)
    return buffer.getvalue()


@needs_tesseract
def test_scanned_notice_is_read_by_ocr() -> None:
    doc = extract_pdf(SCANNED.read_bytes())
    assert all(term in doc.text for term in KEY_TERMS), doc.text
    assert doc.ocr is not None and doc.ocr.pages == (1,) and doc.ocr.note == ""
    engine = ocr.find_tesseract()
    assert engine is not None and doc.ocr.engine == engine.engine
    assert doc.ocr.engine.startswith("tesseract 5") and doc.ocr.engine.endswith("chi_sim+chi_tra")
    assert doc.extractor == f"pdf:pypdfium2-5.15.2+tesseract-{engine.version}"
    assert doc.page_starts == (0,)


@needs_tesseract
def test_scanned_notice_is_flagged() -> None:
    detection = Detector().detect(extract_pdf(SCANNED.read_bytes()).text)
    assert detection.flagged
    organised = [hit for hit in detection.hits if "organised_transfer" in hit.categories]
    assert any("1200" in hit.sentence for hit in organised)


@needs_tesseract
def test_page_limit_is_recorded_and_page_numbers_kept() -> None:
    scan = SCANNED.read_bytes()
    doc = extract_pdf(pages_pdf(make_pdf([PAGE_1]), scan, scan, scan), OcrLimits(max_pages=1))
    assert doc.ocr is not None and doc.ocr.pages == (2,)
    assert doc.ocr.note == "OCR page limit (1) reached: pages 3–4 not read"
    assert len(doc.page_starts) == 4 and doc.text.startswith("\n".join(PAGE_1) + PAGE_SEPARATOR)
    assert "有组织转移" in doc.text[doc.page_starts[1]:doc.page_starts[2]]


def test_time_limit_is_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "find_tesseract", lambda: ocr.Tesseract("tesseract", "5.3.0",
                                                                     "chi_sim+chi_tra"))
    data = pages_pdf(make_pdf([PAGE_1]), SCANNED.read_bytes())
    doc = extract_pdf(data, OcrLimits(seconds=0))
    assert doc.ocr is not None and doc.ocr.pages == ()
    assert doc.ocr.note == "OCR time limit (0 s) reached: page 2 not read"
    assert doc.extractor == "pdf:pypdfium2-5.15.2"  # no OCR text in it


def test_a_page_running_out_of_time_stops_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*_args: object) -> str:
        raise ocr.OcrTimeout("tesseract gave no text within 60 s")

    monkeypatch.setattr(ocr, "find_tesseract", lambda: ocr.Tesseract("tesseract", "5.3.0",
                                                                     "chi_sim+chi_tra"))
    monkeypatch.setattr(ocr, "read_image", slow)
    with pytest.raises(ExtractionError, match=r"no text layer; OCR time limit \(60 s\) reached: "
                                              "pages 1–2 not read"):
        extract_pdf(pages_pdf(SCANNED.read_bytes(), SCANNED.read_bytes()))


def test_without_tesseract_a_scan_has_a_recorded_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "find_tesseract", lambda: None)
    monkeypatch.setattr(ocr.shutil, "which", lambda _name: None)
    with pytest.raises(ExtractionError, match=r"^PDF has no extractable text: no text layer on "
                                              r"page 1; OCR unavailable \(tesseract is not "
                                              r"installed\)$"):
        extract_pdf(SCANNED.read_bytes())


def test_without_tesseract_text_pages_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "find_tesseract", lambda: None)
    monkeypatch.setattr(ocr.shutil, "which", lambda _name: None)
    doc = extract_pdf(pages_pdf(make_pdf([PAGE_1]), SCANNED.read_bytes()))
    assert doc.text == "\n".join(PAGE_1) + PAGE_SEPARATOR
    assert doc.ocr is not None and (doc.ocr.engine, doc.ocr.pages) == ("", ())
    assert doc.ocr.note == "no text layer on page 2; OCR unavailable (tesseract is not installed)"


def test_blank_pages_are_not_sent_to_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    def never() -> None:
        raise AssertionError("blank pages need no OCR")

    monkeypatch.setattr(ocr, "find_tesseract", never)
    with pytest.raises(ExtractionError, match="no extractable text: its pages are blank"):
        extract_pdf(make_pdf([[], []]))
    assert extract_pdf(make_pdf([PAGE_1, []])).ocr is None


def test_tidy_joins_wrapped_lines_and_han_spaced_apart() -> None:
    raw = ("沙泉县人力资源和社会保障局关于做好农村富余劳动力转\n移就业工作的通知\n\n"
           "各乡 〈镇) 人民政府，县直各 有关单位:\n\n一、今年全县计划转移1200人\n\n"
           "，统一输送到 Jiangsu Province 等地。\n\f")
    assert ocr.tidy(raw) == ("沙泉县人力资源和社会保障局关于做好农村富余劳动力转移就业工作的通知\n"
                             "各乡〈镇) 人民政府，县直各有关单位:\n"
                             "一、今年全县计划转移1200人，统一输送到 Jiangsu Province 等地。")


def test_pgm_drops_row_padding() -> None:
    assert ocr.pgm(2, 2, 4, b"ab..cd..") == b"P5\n2 2\n255\nabcd"
