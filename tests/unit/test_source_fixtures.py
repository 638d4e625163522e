"""Every source passes the same test: its spider and extraction, replayed on saved responses.

Fixtures live in tests/fixtures/sources/<slug>/: raw bodies with their original Content-Type
(responses.json) and the exact expected outcome (expected.json). Regenerate a reviewed outcome
with `evidence check-source SLUG --update`; the diff is the review.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.sources import load_source, source_files
from evidence.services.source_check import check_fixtures, fixtures_root

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "demo" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", source_files(), ids=lambda p: p.stem)
def test_source_replays_its_fixtures_exactly(path: Path) -> None:
    source = load_source(path)
    if source.slug.startswith("demo-"):
        # the demo sources are crawled over HTTP by tests/e2e/test_demo_crawl.py against the
        # manifest; here we only insist that the manifest covers them
        assert any(entry.get("source") == source.slug for entry in _manifest_entries())
        return
    folder = fixtures_root() / source.slug
    assert (folder / "responses.json").is_file(), f"no fixtures for {source.slug}: {folder}"
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    summary, unused = check_fixtures(source, folder)
    assert unused == [], "fixtures no request asked for (stale URLs?)"
    assert summary == expected


def _manifest_entries() -> list[dict[str, object]]:
    entries = MANIFEST if isinstance(MANIFEST, list) else MANIFEST.get("pages", [])
    return [e for e in entries if isinstance(e, dict)]


@pytest.mark.parametrize("path", source_files(), ids=lambda p: p.stem)
def test_source_fixtures_are_raw_bytes_with_content_type(path: Path) -> None:
    source = load_source(path)
    if source.slug.startswith("demo-"):
        return
    entries = json.loads((fixtures_root() / source.slug / "responses.json").read_text("utf-8"))
    assert entries, "a source needs at least one saved response"
    for entry in entries:
        assert entry["content_type"], f"{entry['file']}: keep the original Content-Type"
        assert (fixtures_root() / source.slug / entry["file"]).stat().st_size > 0


# Word attachments written by tests/fixtures/office/build_office_fixtures.py: a transfer roster
# (.doc) and registration form (.docx) are evidence, an aluminium "产能转移" brief (.wps) is not
WORD_ATTACHMENTS = {
    "xpcc-8th-division": {
        "http://www.shz.gov.cn/zwgk/tzgg/202305/P020230510123456789013.doc":
            ("doc:antiword", True),
        "http://www.shz.gov.cn/zwgk/tzgg/202306/P020230612124001000001.wps":
            ("doc:antiword", False),
    },
    "xinjiang-hrss": {
        "https://rst.xinjiang.gov.cn/xjrst/c112720/202305/3f2a9c1d0e8b4a6f9d7c5b3a1e0f2d4c/files/"
        "d4e5f6.docx": ("docx:python-docx", True),
    },
}


@pytest.mark.parametrize("slug", sorted(WORD_ATTACHMENTS))
def test_word_attachments_are_extracted_and_flagged(slug: str) -> None:
    from crawler.sources import load_sources
    from evidence.services.source_check import load_fixtures, replay
    from pipelines.stages import ProcessStage

    run = replay(load_sources()[slug], load_fixtures(fixtures_root() / slug))
    found = {}
    for item in run.items:
        if item.url in WORD_ATTACHMENTS[slug]:
            item = ProcessStage().process_item(item)
            assert item.error is None and item.extracted and item.detection, item.error
            found[item.url] = (item.extracted.extractor.rsplit("-", 1)[0], item.detection.flagged)
    assert found == WORD_ATTACHMENTS[slug]
