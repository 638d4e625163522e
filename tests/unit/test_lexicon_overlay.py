"""Lexicon overlays: the demo's fictional companies are matched on the demo sources' pages only,
by the crawl and by reprocessing, and `--company` finds them by any spelling."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.sources import SourceError, load_source, load_sources
from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.models import Hit
from db.rawstore import RawStore
from db.store import CaptureRecord, SourceInfo, ensure_source, store_batch
from evidence.cli import main
from pipelines.text import lexicon as lexicon_module
from pipelines.text.detect import Detector
from pipelines.text.extract import extract_document
from pipelines.text.lexicon import (
    LexiconError,
    canonical_company,
    lexicon_for,
    load_lexicon,
    load_overlaid,
    overlay_names,
)
from pipelines.text.process import shared_detector
from tests.unit.test_sources import GOOD, write

SENTENCE = "5月9日，和田地区1236名农村富余劳动力乘坐务工专列前往天河铝业有限公司就业。"
FICTIONAL = {"天河铝业有限公司", "西域新材料科技有限公司", "昆仑碳素有限责任公司", "示范有色集团"}


def companies(detector: Detector) -> set[str]:
    """The companies the detector names in the hits of SENTENCE."""
    return {c for hit in detector.detect(SENTENCE).hits for c in hit.companies}


def test_demo_overlay_adds_fictional_companies_to_the_bundled_lexicon() -> None:
    assert "demo" in overlay_names()
    bundled, demo = load_lexicon(), load_overlaid("demo")
    assert demo.version == bundled.version  # an overlay joins the lexicon's version
    assert {c.name for c in demo.companies} == {c.name for c in bundled.companies} | FICTIONAL
    assert not FICTIONAL & {c.name for c in bundled.companies}  # never on real pages


def test_only_a_source_with_the_overlay_names_the_company() -> None:
    assert companies(Detector()) == set()
    assert companies(Detector(lexicon_for("demo"))) == {"天河铝业有限公司"}
    assert companies(shared_detector("demo")) == {"天河铝业有限公司"}  # the crawl's stages
    sources = load_sources()
    assert {slug for slug, s in sources.items() if s.lexicon_overlay == "demo"} == {
        "demo-xinwen", "demo-gov", "demo-company"}


@pytest.mark.parametrize("spelling",
                         ["天河铝业", "天河鋁業", "tianhe aluminum", "Tianhe Aluminium"])
def test_company_filter_knows_overlay_spellings(spelling: str) -> None:
    assert canonical_company(spelling) == "天河铝业有限公司"
    assert canonical_company(spelling, load_lexicon()) is None


def test_unknown_overlay_and_overlay_with_a_version_are_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SourceError, match="field lexicon_overlay"):
        load_source(write(tmp_path, GOOD + "lexicon_overlay: nosuch\n"))
    with pytest.raises(LexiconError, match="no lexicon overlay"):
        load_overlaid("nosuch")
    folder = tmp_path / "lexicon"
    (folder / "overlays").mkdir(parents=True)
    for path in Path(lexicon_module.__file__).parents[1].joinpath("lexicon").glob("*.yml"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "overlays" / "bad.yml").write_text(
        'version: "1"\ncompanies: []\n', encoding="utf-8")
    monkeypatch.setattr(lexicon_module, "_bundled_folder", lambda: folder)
    with pytest.raises(LexiconError, match="an overlay takes the version"):
        load_overlaid("bad")


def test_reprocessing_keeps_the_overlay(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    url = resolve_db_url(str(tmp_path / "e.db"))
    page = f"<html><body><h1>务工专列发车</h1><p>{SENTENCE}</p></body></html>".encode()
    extracted = extract_document(page, "text/html; charset=utf-8", "http://demo.evidence.test/a")
    old = Detector().detect(extracted.text)  # an older lexicon, without the overlay
    old = replace(old, lexicon_version="2000.01.1",
                  hits=tuple(replace(h, lexicon_version="2000.01.1") for h in old.hits))
    engine = open_database(url)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("demo-xinwen", "天山示范新闻网（演示）", "state_media",
                                          "zh", "listing"))
        store_batch(session, RawStore(data_dir_for(url)), [CaptureRecord(
            source="demo-xinwen", url="http://demo.evidence.test/a", final_url=
            "http://demo.evidence.test/a", fetched_at=datetime(2024, 5, 1, tzinfo=UTC),
            http_status=200, headers={}, content_type="text/html", body=page,
            extracted=extracted, detection=old)], None)
    assert main(["reprocess", "--db", url]) == 0
    capsys.readouterr()
    with session_scope(engine) as session:
        [hit] = session.scalars(select(Hit).where(Hit.lexicon_version != "2000.01.1",
                                                  Hit.sentence == SENTENCE)).all()
        assert "天河铝业有限公司" in hit.companies
    engine.dispose()
    assert main(["hits", "--db", url, "--company", "Tianhe Aluminum", "--format", "json"]) == 0
    assert '"天河铝业有限公司"' in capsys.readouterr().out
