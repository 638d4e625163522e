"""process_document: the one way the crawl, reprocess and `evidence detect` process a page."""

from __future__ import annotations

import pytest

from pipelines.text.detect import Detector
from pipelines.text.process import DocumentMeta, first_header, process_document, shared_detector

PAGE = ("<html><head><meta charset='gbk'><title>通知</title></head><body><div class='c'>"
        "<p>今年以来，和田地区有组织转移农村富余劳动力1200人赴内地就业。</p></div></body></html>")
META = DocumentMeta(url="http://127.0.0.1:9/a.html", content_type="text/html",
                    content_type_header="text/html; charset=utf-8", selectors={"body": "div.c"},
                    publisher="示例人社局")


def test_a_page_is_extracted_and_detected_as_detect_would() -> None:
    done = process_document(PAGE.encode("gbk"), META)
    assert done.error is None and done.failure is None and done.extracted is not None
    assert done.extracted.charset == "gb18030" and done.extracted.publisher == "示例人社局"
    assert done.language == "zh" and done.detection is not None and done.detection.flagged
    assert done.detection == shared_detector().detect(done.extracted.text)


def test_extraction_errors_and_skipped_detection() -> None:
    empty = process_document(b"<html><body><nav>menu</nav></body></html>", META)
    assert empty.extracted is None and (empty.error or "").startswith("no text extracted")
    kept = process_document(PAGE.encode("gbk"), META, detect_if=lambda extracted: False)
    assert kept.extracted is not None and kept.detection is None and kept.language is None
    binary = DocumentMeta(url="file:///tmp/a.txt", content_type="text/plain", refuse_binary=True)
    assert process_document(b"\x7fELF\x00\x00", binary).error == (
        "a binary file, not text, HTML, PDF or Word")


def test_a_failing_step_is_raised_or_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_: object) -> None:
        raise RuntimeError("segmenter on fire")

    monkeypatch.setattr(Detector, "segment", explode)
    with pytest.raises(RuntimeError):
        process_document(PAGE.encode("gbk"), META)
    done = process_document(PAGE.encode("gbk"), META, contain_failures=True)
    assert done.failure is not None and done.failure.step == "segment"
    assert done.prepared is not None and done.segmentation is None and done.detection is None


def test_first_header_ignores_case_and_empty_values() -> None:
    headers = {"content-type": [], "Content-Type": ["text/html"]}
    assert first_header(headers, "CONTENT-TYPE") == "text/html"
    assert first_header({}, "Content-Type") is None
