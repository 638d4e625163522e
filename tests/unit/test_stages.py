"""The Scrapy item stages: a failing stage records its error and the capture survives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.items import CaptureItem
from pipelines.stages import ProcessStage
from pipelines.storage import to_record
from pipelines.text.detect import Detector

PAGE = ("<html><head><meta charset='gbk'><title>通知</title></head><body><div class='c'>"
        "<p>今年以来，和田地区有组织转移农村富余劳动力1200人赴内地就业。</p>"
        "<p>务工人员乘坐专列抵达，实行集中管理。</p></div></body></html>")


def item(body: bytes, **fields: object) -> CaptureItem:
    base: dict[str, object] = dict(
        source="demo", url="http://127.0.0.1:9/a.html", final_url="http://127.0.0.1:9/a.html",
        fetched_at=datetime.now(UTC), http_status=200, body=body,
        headers={"Content-Type": ["text/html; charset=utf-8"]}, content_type="text/html",
        publisher="示例人社局", selectors={"body": "div.c"},
    )
    base.update(fields)
    return CaptureItem(**base)  # type: ignore[arg-type]


def run_all(capture: CaptureItem) -> CaptureItem:
    return ProcessStage().process_item(capture)


def test_stages_in_order_on_mislabelled_gbk_page() -> None:
    done = run_all(item(PAGE.encode("gbk")))
    assert done.error is None and done.extracted is not None and done.detection is not None
    assert done.extracted.charset == "gb18030" and done.extracted.publisher == "示例人社局"
    assert done.language == "zh" and done.detection.flagged
    assert [h.sentence for h in done.detection.hits][0].startswith("今年以来，和田地区")
    record = to_record(done)
    assert record.extracted is done.extracted and record.body == PAGE.encode("gbk")


def test_extraction_failure_is_recorded_and_stored_without_text() -> None:
    done = run_all(item(b"<html><body><nav>menu</nav></body></html>"))
    assert done.error and done.error.startswith("extract_failed: no text extracted")
    record = to_record(done)
    assert record.body and record.extracted is None and record.detection is None


def test_http_error_items_pass_through_untouched() -> None:
    done = run_all(item(b"not found", http_status=404, error="http_404"))
    assert (done.error, done.extracted, done.detection) == ("http_404", None, None)


def test_unexpected_crash_in_a_stage_keeps_the_capture(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_: object) -> None:
        raise RuntimeError("automaton on fire")

    monkeypatch.setattr(Detector, "flag", explode)
    done = run_all(item(PAGE.encode("gbk")))
    assert done.error == "flag_failed: RuntimeError: automaton on fire"
    assert (done.extracted, done.detection) == (None, None) and done.segmentation is not None
    assert to_record(done).body == PAGE.encode("gbk")
