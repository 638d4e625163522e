"""Company linking: every alias, stock code and English name resolves to the canonical name,
hits store the link, and `find_hits(Filter(company=...))` filters on it."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.filters import Filter
from db.hits import find_hits
from db.rawstore import RawStore
from db.store import CaptureRecord, SourceInfo, ensure_source, store_batch
from pipelines.text.detect import Detector
from pipelines.text.flag import Matcher
from pipelines.text.lexicon import COMPANY, load_lexicon
from pipelines.text.normalise import fold_for_matching
from pipelines.text.segment import Segmentation, Segmenter
from pipelines.text.types import Extracted

LEXICON = load_lexicon()
SPELLINGS = [
    (company.name, spelling)
    for company in LEXICON.companies
    for spelling in (company.name, *company.aliases, *company.stock_codes, *company.english)
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(LEXICON)


@pytest.mark.parametrize(("canonical", "spelling"), SPELLINGS, ids=[s for _, s in SPELLINGS])
def test_every_spelling_links_to_the_canonical_name(
    matcher: Matcher, canonical: str, spelling: str
) -> None:
    text = f"（{spelling}）"  # the name alone, bracketed as in a byline or filing list
    normalised = fold_for_matching(text)
    found = matcher.find(normalised, Segmentation(normalised, Segmenter(matcher.zh_keys)))
    assert [(m.entry.canonical, m.entry.category) for m in found] == [(canonical, COMPANY)]
    assert (found[0].start, found[0].end) == (1, 1 + len(spelling))


def test_stock_code_inside_a_longer_number_is_not_a_company(matcher: Matcher) -> None:
    for text in ("编号1002532号", "电话0009331", "6008880"):
        normalised = fold_for_matching(text)
        segmentation = Segmentation(normalised, Segmenter(matcher.zh_keys))
        assert matcher.find(normalised, segmentation) == []


FICTIONAL = """version: "t1"
companies:
- name: 瀚川铝材有限公司
  aliases: [瀚川铝材, 瀚川鋁材]
  stock_codes: ["600999", 600999.SH]
  english: [Hanchuan Aluminium]
  tied_to_transfers: true
terms:
- {term: 有组织转移, category: organised_transfer, gloss: x, weight: 3.5, language: zh}
- {term: organized transfer, category: organised_transfer, gloss: x, weight: 3.5, language: en}
- {term: 和田, category: place, gloss: Hotan, weight: 0.6, language: zh}
- {term: hotan, category: place, gloss: Hotan, weight: 0.6, language: en}
"""
TEXTS = {
    "alias": "瀚川铝材今年从和田有组织转移500人。",
    "traditional": "瀚川鋁材今年從和田有組織轉移500人。",
    "code": "公司（600999.SH）今年从和田有组织转移500人。",
    "english": "Hanchuan Aluminium took 500 workers from Hotan in an organized transfer.",
}


def test_hits_store_the_link_and_the_filter_uses_it(tmp_path: Path) -> None:
    (tmp_path / "lexicon.yml").write_text(FICTIONAL, encoding="utf-8")
    detector = Detector(load_lexicon(tmp_path / "lexicon.yml"))
    url = resolve_db_url(str(tmp_path / "e.db"))
    engine = open_database(url)
    records = []
    for name, text in TEXTS.items():
        detection = detector.detect(text)
        assert detection.flagged and detection.hits[0].companies == ("瀚川铝材有限公司",), name
        records.append(CaptureRecord(
            source="s", url=f"http://127.0.0.1:1/{name}.html",
            final_url=f"http://127.0.0.1:1/{name}.html", fetched_at=datetime.now(UTC),
            http_status=200, content_type="text/plain", body=text.encode(),
            extracted=Extracted(text=text, extractor="test"), detection=detection))
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("s", "示例", "company", "zh", "listing"))
        store_batch(session, RawStore(data_dir_for(url)), records, None)
    with session_scope(engine) as session:
        linked = find_hits(session, Filter(company="瀚川铝材有限公司"))
        other = find_hits(session, Filter(company="新疆众和股份有限公司"))
    engine.dispose()
    assert sorted(hit.url.rsplit("/", 1)[1] for hit in linked) == sorted(
        f"{name}.html" for name in TEXTS)
    assert all(hit.companies == ["瀚川铝材有限公司"] for hit in linked)
    assert other == []


@pytest.mark.parametrize(("canonical", "spelling"), SPELLINGS[::3])
def test_canonical_company_resolves_any_spelling(canonical: str, spelling: str) -> None:
    from pipelines.text.lexicon import canonical_company

    assert canonical_company(spelling) == canonical
    assert canonical_company(f" {spelling.upper()} ") == canonical
    assert canonical_company("不存在的公司") is None
