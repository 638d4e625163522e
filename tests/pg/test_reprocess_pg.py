"""Re-extraction after an extractor change (tests/unit/test_reprocess.py) on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_reprocess import check_document_page, check_reextraction


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_extractor_change_reextracts_from_raw_bytes(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    check_reextraction(pg_url, tmp_path / "demo-county.yml", monkeypatch, capsys)
    check_document_page(pg_url)
