"""Full-text search (FTS5 over jieba tokens), review and reprocessing on a small real database."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, select, text

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.filters import Filter
from db.hits import find_hits, get_hit
from db.models import Hit, Redetection, Review
from db.queries import version_facts
from db.rawstore import RawStore
from db.reprocess import dropped_hits, open_run
from db.review import ReviewError, add_review, history
from db.search import highlight, index_tokens, match_expression, search, sync_index
from db.store import CaptureRecord, SourceInfo, ensure_source, store_batch
from evidence.cli import main
from evidence.services.reprocess import pending, reprocess_version
from pipelines.text.detect import Detector
from pipelines.text.extract import extract_document
from pipelines.text.lexicon import DEFAULT_PATH, load_lexicon
from pipelines.text.normalise import fold_for_matching, is_folded

PAGES = {
    # slug, kind, title, paragraphs, published
    "gov-1": ("gov", "关于南疆四地州劳动力转移就业的通知", [
        "和田地区今年有组织转移农村富余劳动力1200人。", "各乡镇要层层签订目标责任状。"],
        "2023-04-12"),
    "news-hant": ("news", "南疆勞動力轉移就業穩步推進", [
        "喀什地區上半年有組織轉移富餘勞動力3.2萬人次。"], "2022-06-01"),
    "news-apart": ("news", "劳动力市场观察", [
        "本地劳动力供给充足。", "部分产能将转移到沿海地区。"], "2023-01-05"),
}
SOURCES = {"gov": ("示范人社局（虚构）", "government"),
           "news": ("示范新闻网（虚构）", "state_media")}


def html(title: str, paragraphs: list[str], published: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<html><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="PubDate" content="{published}"></head><body><h1>{title}</h1>'
            f'<div class="article">{body}</div></body></html>').encode()


def record(name: str) -> CaptureRecord:
    source, title, paragraphs, published = PAGES[name]
    body = html(title, paragraphs, published)
    url = f"http://127.0.0.1:9/{name}.html"
    extracted = extract_document(body, "text/html; charset=utf-8", url)
    return CaptureRecord(source=source, url=url, final_url=url, fetched_at=datetime.now(UTC),
                         http_status=200, headers={"Content-Type": ["text/html; charset=utf-8"]},
                         content_type="text/html; charset=utf-8", body=body,
                         extracted=extracted, detection=Detector().detect(extracted.text))


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path / "e.db"
    url = resolve_db_url(str(path))
    engine = open_database(url)
    with session_scope(engine) as session:
        for slug, (publisher, kind) in SOURCES.items():
            ensure_source(session, SourceInfo(slug, publisher, kind, "zh", "listing"))
        store_batch(session, RawStore(data_dir_for(url)), [record(n) for n in PAGES], None)
    yield engine, path
    engine.dispose()


def titles(engine: Engine, **wanted: object) -> list[str]:
    with session_scope(engine) as session:
        page = search(session, Filter(**wanted))  # type: ignore[arg-type]
    return [r.facts.title or "" for r in page.results]


def test_query_is_segmented_and_quoted() -> None:
    assert match_expression("勞動力轉移") == '("劳动力转移" OR NEAR("劳动力" "转移", 10))'
    assert match_expression("南疆") == '"南疆"'
    assert match_expression("'; DROP TABLE hits;-- \"x\" OR *") == \
        '"drop" AND "table" AND "hits" AND "x" AND "or"'
    assert match_expression("；—*") == ""
    assert index_tokens("南疆四地州") == "南疆四地州 南疆"


def test_two_character_words_and_both_scripts(db: tuple[Engine, Path]) -> None:
    engine, _ = db
    both = ["关于南疆四地州劳动力转移就业的通知", "南疆勞動力轉移就業穩步推進"]
    assert sorted(titles(engine, query="南疆")) == sorted(both)
    assert sorted(titles(engine, query="勞動力轉移")) == sorted(both)  # Traditional query
    assert titles(engine, query="和田") == ["关于南疆四地州劳动力转移就业的通知"]
    assert titles(engine, query="喀什地区") == ["南疆勞動力轉移就業穩步推進"]  # Simplified query


def test_phrase_needs_its_words_together(db: tuple[Engine, Path]) -> None:
    engine, _ = db
    assert "劳动力市场观察" in titles(engine, query="劳动力 转移")  # two words: anywhere
    assert "劳动力市场观察" not in titles(engine, query="劳动力转移")  # one word: together


def test_filters_and_facets(db: tuple[Engine, Path]) -> None:
    engine, _ = db
    assert titles(engine, query="南疆", kind="government") == ["关于南疆四地州劳动力转移就业的通知"]
    assert titles(engine, query="劳动力", flagged="no") == ["劳动力市场观察"]
    assert titles(engine, query="南疆", date_to=date(2022, 12, 31)) == [
        "南疆勞動力轉移就業穩步推進"]
    assert titles(engine, query="'; DROP TABLE versions;--") == []
    with session_scope(engine) as session:
        page = search(session, Filter(query="劳动力", kind="government"))
    assert page.total == 1
    assert page.facets["kind"] == [("state_media", 2), ("government", 1)]  # other facets apply
    assert page.facets["year"] == [("2023", 1)]
    assert page.facets["review"] == [("unreviewed", 1)]
    with session_scope(engine) as session:
        page = search(session, Filter(query="劳动力"))
        shown = sorted((r.facts for r in page.results), key=lambda v: v.version_id)
        assert shown == sorted(version_facts(session, page.version_ids), key=lambda v: v.version_id)


def test_capped_search_ranks_and_counts_the_newest_matches(db: tuple[Engine, Path]) -> None:
    engine, _ = db
    with session_scope(engine) as session:
        full = search(session, Filter(query="劳动力"))
        capped = search(session, Filter(query="劳动力"), cap=2)
        oldest = search(session, Filter(query="劳动力", kind="government"), cap=1)
        browse = search(session, Filter(), cap=1)
        kinds = search(session, Filter(kind="government", flagged="yes"), cap=1)
    assert (full.capped, full.total) == (False, 3)
    assert (capped.capped, capped.total) == (True, 2)
    assert sorted(capped.version_ids) == sorted(full.version_ids)[1:]  # the two newest
    assert sum(n for _, n in capped.facets["kind"]) == 2
    assert [r.facts.title for r in oldest.results] == ["关于南疆四地州劳动力转移就业的通知"]
    assert (oldest.capped, oldest.facets["kind"]) == (True, [("government", 1)])
    assert (browse.capped, browse.version_ids) == (True, [max(full.version_ids)])
    assert [r.facts.kind for r in kinds.results] == ["government"]


def test_capped_filters_agree_with_uncapped(db: tuple[Engine, Path]) -> None:
    engine, _ = db
    with session_scope(engine) as session:
        facets = search(session, Filter(query="劳动力")).facets
        wanted = [{name: value} for name in ("category", "company", "review", "year", "flagged",
                                              "language", "source") for value, _ in facets[name]]
        assert len(wanted) >= 8
        for one in wanted:
            exact = search(session, Filter(query="劳动力", **one))  # type: ignore[arg-type]
            capped = search(session, Filter(query="劳动力", sort="relevance", **one),  # type: ignore[arg-type]
                            cap=2)
            assert capped.capped and exact.version_ids[:2] == capped.version_ids[:2], one


def test_capped_search_is_newest_first_unless_relevance_is_asked(
        db: tuple[Engine, Path]) -> None:
    engine, _ = db
    with session_scope(engine) as session:
        exact = search(session, Filter(query="劳动力"))
        newest = search(session, Filter(query="劳动力", sort="newest"))
        capped = search(session, Filter(query="劳动力"), cap=2)
        ranked = search(session, Filter(query="劳动力", sort="relevance"), cap=2)
        browse = search(session, Filter())
    assert exact.order == "relevance" and [r.rank for r in exact.results] == sorted(
        r.rank for r in exact.results if r.rank is not None)
    assert newest.order == "newest" and {r.rank for r in newest.results} == {None}
    assert newest.version_ids == sorted(exact.version_ids, reverse=True)
    assert capped.order == "newest" and capped.version_ids == newest.version_ids[:2]
    assert ranked.order == "relevance" and sorted(ranked.version_ids) == sorted(
        capped.version_ids)
    assert [r.rank for r in ranked.results] == sorted(r.rank for r in ranked.results
                                                      if r.rank is not None)
    assert browse.order == "score"


def test_is_folded_never_claims_a_text_that_folds_differently() -> None:
    for value in ["和田地区", "勞動力", "ＡＢＣ２", "abc", "ABC", "İ", "ﬁ", "㎡", "𠀀转移", ""]:
        assert not is_folded(value) or fold_for_matching(value) == value
    assert is_folded("和田地区2023年abc") and not is_folded("勞動力") and not is_folded("２")


def test_highlight_is_script_insensitive() -> None:
    assert highlight("南疆勞動力轉移就業", ["劳动力转移"]) == [
        ("南疆", False), ("勞動力轉移", True), ("就業", False)]


def test_sync_index_fills_gaps(db: tuple[Engine, Path]) -> None:
    engine, _ = db
    with session_scope(engine) as session:
        session.execute(text("DELETE FROM search_fts"))
    assert titles(engine, query="南疆") == []
    with session_scope(engine) as session:
        assert sync_index(session) == 3
        assert sync_index(session) == 0
    assert len(titles(engine, query="南疆")) == 2


def test_review_is_appended_and_shown(db: tuple[Engine, Path]) -> None:
    engine, _ = db
    with session_scope(engine) as session:
        [hit] = [h for h in find_hits(session) if "和田" in h.sentence]
        add_review(session, hit.id, "needs-translation", "Analyst A", "check figure")
        add_review(session, hit.id, "confirmed", "Analyst B")
        with pytest.raises(ReviewError, match="unknown review status"):
            add_review(session, hit.id, "maybe", "Analyst A")
        with pytest.raises(ReviewError, match="no hit with id 999"):
            add_review(session, 999, "confirmed", "Analyst A")
    with session_scope(engine) as session:
        assert [(r.status, r.reviewer) for r in history(session, hit.id)] == [
            ("needs_translation", "Analyst A"), ("confirmed", "Analyst B")]
        shown = get_hit(session, hit.id)
        assert shown is not None and (shown.review_status, shown.reviewer) == ("confirmed",
                                                                               "Analyst B")
        assert [h.id for h in find_hits(session, Filter(review="confirmed"))] == [hit.id]
        assert hit.id not in [h.id for h in find_hits(session, Filter(review="unreviewed"))]


def new_lexicon(tmp_path: Path, drop_term: str) -> Path:
    """A copy of the lexicon with another version and one term removed."""
    target = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_PATH, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for path in target.glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["version"] = "test-2"
        if "terms" in data:
            data["terms"] = [t for t in data["terms"] if t["term"] != drop_term]
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def test_reprocess_adds_hits_carries_reviews_reports_drops(
    db: tuple[Engine, Path], tmp_path: Path
) -> None:
    engine, path = db
    raw = RawStore(data_dir_for(resolve_db_url(str(path))))
    detector = Detector(load_lexicon(new_lexicon(tmp_path, "目标责任状")))
    with session_scope(engine) as session:
        old = {h.sentence: h for h in find_hits(session)}
        kept = old["和田地区今年有组织转移农村富余劳动力1200人。"]
        gone = old["各乡镇要层层签订目标责任状。"]
        add_review(session, kept.id, "confirmed", "Analyst A", "quota")
        run_id, resumed = open_run(session, "test-2")
        todo = pending(session, "test-2", run_id)
    assert (resumed, len(todo)) == (False, 3)
    with session_scope(engine) as session:  # one version, then "interrupted"
        reprocess_version(session, raw, todo[0], detector, lambda slug: (None, {}), run_id)
    with session_scope(engine) as session:
        assert open_run(session, "test-2") == (run_id, True)
        assert pending(session, "test-2", run_id) == todo[1:]
    exit_code = main(["reprocess", "--db", str(path), "--lexicon", str(tmp_path / "lexicon")])
    assert exit_code == 0
    with session_scope(engine) as session:
        assert pending(session, "test-2", run_id) == []
        current = {h.sentence: h for h in find_hits(session)}
        assert "各乡镇要层层签订目标责任状。" not in current
        new = current["和田地区今年有组织转移农村富余劳动力1200人。"]
        assert new.id != kept.id and new.lexicon_version == "test-2"
        assert (new.review_status, new.reviewer, new.review_note) == ("confirmed", "Analyst A",
                                                                       "quota")
        assert [d.hit_id for d in dropped_hits(session, run_id)] == [gone.id]
        assert session.get(Hit, gone.id) is not None  # superseded, never deleted
        assert session.scalar(select(func.count()).select_from(Review)) == 2
        changed = session.scalars(select(Redetection.extraction_changed)).all()
        assert changed == [False, False, False]
        all_hits = find_hits(session, Filter(all_lexicons=True))
        assert len(all_hits) == len(old) + len(current)


def test_cli_search_and_review(db: tuple[Engine, Path], capsys: pytest.CaptureFixture[str]
                               ) -> None:
    _, path = db
    assert main(["search", "勞動力轉移", "--kind", "government", "--db", str(path),
                 "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["total"] == 1 and found["results"][0]["marked"] == ["劳动力转移"]
    assert main(["search", "南疆", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "«南疆»" in out and "2 document(s) match “南疆”" in out
    assert main(["review", "1", "--status", "rejected", "--note", "trap",
                 "--reviewer", "Analyst C", "--db", str(path)]) == 0
    assert "[Review: rejected by Analyst C," in capsys.readouterr().out
    assert main(["review", "--status", "rejected", "--format", "csv", "--db", str(path)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["review_note"], r["reviewer"]) for r in rows] == [("trap", "Analyst C")]
    assert main(["review", "1", "--status", "maybe", "--db", str(path)]) == 2
