"""Search finds what analysts type: British and American spellings and the romanisations of
Xinjiang places fold to one spelling in the index and in queries, so either returns the same
documents (tests/pg/test_search_spelling_pg.py runs the database tests on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.filters import Filter
from db.rawstore import RawStore
from db.search import highlight_words, index_tokens, match_expression, search
from db.store import CaptureRecord, SourceInfo, ensure_source, store_batch
from pipelines.text.detect import Detector
from pipelines.text.extract import extract_document
from pipelines.text.lexicon import load_lexicon
from pipelines.text.spelling import Spellings, american, british, place_spellings

# every set: the spellings an analyst may type for one word
SAME = [
    ("labour", "labor"), ("organise", "organize"), ("mobilise", "mobilize"),
    ("programme", "program"), ("centre", "center"), ("labourers", "laborers"),
    ("organisations", "organizations"), ("enrolment", "enrollment"),
    ("uyghur", "uighur", "uygur"), ("hotan", "hetian", "khotan"), ("kashgar", "kashi"),
]
PAGES = {  # slug: (title, text) -- English reporting in both spellings, invented
    "uk": ("Labour transfer programme in Hotan",
           "The county organised the transfer of surplus labourers from Khotan to a training "
           "centre in Kashgar. Uighur workers were mobilised."),
    "us": ("Labor transfer program in Hetian",
           "Officials organized the labor-transfer of workers from Hotan to a center in "
           "Kashi. Uyghur farmers were mobilized."),
    "other": ("Cotton prices", "Prices of cotton rose in the autumn; the party met."),
}


def test_both_spellings_fold_alike_with_the_detector_tables() -> None:
    spell = Spellings(place_spellings(load_lexicon()))
    for words in SAME:
        assert len({spell.word(w) for w in words}) == 1, words
        assert set(words) <= set(spell.forms(words[0])), words  # marked in either spelling
    assert spell.word("uighurs") == spell.word("uyghur")  # the lexicon's variants
    assert spell.text("labour-transfer to kashi") == "labor-transfer to kashgar"
    assert american("enrolled") == "enrolled" and american("program") == "program"
    assert british("programs") == "programmes"


def test_index_and_query_tokens_fold_alike() -> None:
    assert index_tokens("Labour transfer programme, Uighur, Khotan") == \
        index_tokens("labor transfer program, Uyghur, Hotan")
    assert match_expression("Labour") == match_expression("labor") == '"labor"'
    assert match_expression("Kashi") == '"kashgar"'
    assert index_tokens("南疆四地州") == "南疆四地州 南疆"  # Chinese is untouched


def test_highlighting_marks_every_spelling() -> None:
    assert {"labour", "labor"} <= set(highlight_words("labour"))
    assert {"uyghur", "uighur", "uygur"} <= set(highlight_words("Uighur"))


def record(slug: str) -> CaptureRecord:
    """An English page of PAGES as the crawl would store it."""
    title, text = PAGES[slug]
    body = (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<h1>{title}</h1><div class="article"><p>{text}</p></div></body></html>').encode()
    url = f"http://127.0.0.1:9/{slug}.html"
    extracted = extract_document(body, "text/html; charset=utf-8", url)
    return CaptureRecord(source="news", url=url, final_url=url, fetched_at=datetime.now(UTC),
                         http_status=200, headers={}, content_type="text/html; charset=utf-8",
                         body=body, extracted=extracted,
                         detection=Detector().detect(extracted.text))


def fill(url: str) -> Engine:
    """A database at ``url`` holding the English PAGES."""
    engine = open_database(url)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo("news", "Demo Daily (invented)", "state_media", "en",
                                          "listing"))
        store_batch(session, RawStore(data_dir_for(url)), [record(s) for s in PAGES], None)
    return engine


@pytest.fixture()
def english(tmp_path: Path) -> Iterator[Engine]:
    engine = fill(resolve_db_url(str(tmp_path / "en.db")))
    yield engine
    engine.dispose()


def found(engine: Engine, query: str) -> list[str]:
    """Titles of the documents a query finds, sorted."""
    with session_scope(engine) as session:
        page = search(session, Filter(query=query))
    return sorted(r.facts.title or "" for r in page.results)


TYPED = [("labour", "labor"), ("organised", "organized"), ("mobilised", "mobilized"),
         ("programme", "program"), ("centre", "center"), ("uyghur", "uighur", "uygur"),
         ("hotan", "hetian", "khotan"), ("kashgar", "kashi")]  # as the PAGES have them
BOTH = sorted(title for slug, (title, _) in PAGES.items() if slug != "other")


def check_either_spelling_finds_the_same(engine: Engine) -> None:
    for words in TYPED:
        results = {word: found(engine, word) for word in words}
        assert all(r == BOTH for r in results.values()), results
    assert found(engine, "labour-transfer") == found(engine, "labor-transfer") == [
        PAGES["us"][0]]  # a phrase: together, in either spelling
    assert found(engine, "surplus labourers") == [PAGES["uk"][0]]
    assert found(engine, "laborers") == [PAGES["uk"][0]]


def test_either_spelling_finds_the_same_documents(english: Engine) -> None:
    check_either_spelling_finds_the_same(english)


def marked(engine: Engine, query: str) -> dict[str, set[str]]:
    """Title -> the strings marked in its title and passage."""
    with session_scope(engine) as session:
        page = search(session, Filter(query=query))
    return {r.facts.title or "": {text for text, hit in [*r.title, *r.passage] if hit}
            for r in page.results}


def test_the_passage_marks_the_spelling_of_the_page(english: Engine) -> None:
    uk, us = PAGES["uk"][0], PAGES["us"][0]
    assert marked(english, "labor") == {uk: {"Labour", "labour"}, us: {"Labor", "labor"}}
    assert marked(english, "Uighur") == {uk: {"Uighur"}, us: {"Uyghur"}}


def test_a_term_filter_takes_any_spelling(english: Engine) -> None:
    from db.hits import find_hits

    def hit_ids(term: str) -> list[int]:
        with session_scope(english) as session:
            return sorted(h.id for h in find_hits(session, Filter(term=term)))

    stored = hit_ids("labor transfer")  # lexicon terms are stored in their one spelling
    assert stored and hit_ids("labour transfer") == hit_ids("Labour Transfer") == stored
    assert hit_ids("hotan") and hit_ids("Hetian") == hit_ids("khotan") == hit_ids("hotan")
    assert hit_ids("no such term") == []
