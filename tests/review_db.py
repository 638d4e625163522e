"""A small evidence base with known review labels, for `evidence evaluate --reviews` tests.

Documents are stored through the real write path (db.store.store_batch) with detections written
out by hand, so the expected figures do not move when the detector changes; the labels are then
recorded through the real `evidence review` command. tests/unit/test_review_measures.py runs it
on SQLite, tests/pg/test_review_measures_pg.py on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.filters import Filter
from db.hits import find_hits
from db.models import Document
from db.rawstore import RawStore
from db.store import CaptureRecord, SourceInfo, ensure_source, finish_run, start_run, store_batch
from evidence.cli import main
from pipelines.text.types import Detection, Extracted, Hit

SOURCES = {"gov": ("示范人社局（虚构）", "government", "zh"),
           "news": ("示范日报（虚构）", "state_media", "zh"),
           "news-en": ("Example Daily (invented)", "state_media", "en")}
Slots = tuple[tuple[str, tuple[str, ...]], ...]
WHO_MOVE_ORIGIN: Slots = (("who", ("农村富余劳动力",)), ("move", ("有组织转移",)),
                          ("origin", ("和田地区",)))


@dataclass(frozen=True)
class Page:
    """One stored page: its sentences, and which of them are hits (categories, slots)."""

    name: str
    source: str
    sentences: tuple[str, ...]
    hits: tuple[tuple[int, tuple[str, ...], Slots], ...] = ()
    lexicon: str = "L1"

    @property
    def language(self) -> str:
        """The page's language (that of its source)."""
        return SOURCES[self.source][2]


PAGES = (
    Page("gov-a", "gov", ("和田地区有组织转移农村富余劳动力1200人。", "务工人员实行集中管理。"),
         ((0, ("transfer", "organised_transfer"), WHO_MOVE_ORIGIN), (1, ("control",), ()))),
    Page("gov-b", "gov", ("本县开展稳岗就业培训。",), ((0, ("transfer",), ()),)),
    Page("news-a", "news", ("喀什地区转移就业人员三千人。", "各地推进就近就业。"),
         ((0, ("transfer",), ()), (1, ("soft",), ()))),
    Page("en-a", "news-en", ("Hotan transferred 900 rural workers to factories.",),
         ((0, ("transfer",), (("who", ("rural workers",)), ("move", ("transferred",)))),),
         lexicon="L2"),
    Page("gov-c", "gov", ("全县劳务输出工作会议召开。",)),
    Page("gov-d", "gov", ("组织农民工赴外地务工。",)),
    Page("en-b", "news-en", ("Buses took farmers from Kashgar to cotton fields.",), lexicon="L2"),
    Page("news-c", "news", ("今年棉花价格上涨。",)),
    Page("news-d", "news", ("村里的年轻人外出打工。",)),
    Page("news-e", "news", ("阿克苏地区安排劳动力外出务工。",)),
)
# a second version of news-e, flagged: the detector found it after the analyst marked it missed
NEWS_E_V2 = Page("news-e", "news", ("阿克苏地区有组织输送劳动力五百人。",),
                 ((0, ("transfer",), ()),))


def _record(page: Page, fetched: datetime) -> CaptureRecord:
    """A capture of ``page`` with its text and a hand-written detection."""
    text = "".join(page.sentences)
    hits = []
    for index, categories, slots in page.hits:
        start = len("".join(page.sentences[:index]))
        sentence = page.sentences[index]
        hits.append(Hit(start, start + len(sentence), sentence, ("term",), categories, (),
                        5.0, page.lexicon, slots))
    detection = Detection(page.language, "latin" if page.language == "en" else "hans",
                          5.0 if hits else 1.0, bool(hits), page.lexicon, tuple(hits))
    extracted = Extracted(text=text, title=f"{page.name} title", published_at=date(2024, 5, 1),
                          extractor="test")
    url = f"http://127.0.0.1:9/{page.source}/{page.name}.html"
    body = f"<html><body><p>{text}</p></body></html>".encode()
    return CaptureRecord(source=page.source, url=url, final_url=url, fetched_at=fetched,
                         http_status=200, content_type="text/html; charset=utf-8", body=body,
                         extracted=extracted, detection=detection)


def store_pages(db: str, pages: tuple[Page, ...]) -> None:
    """Store pages as one recorded crawl run."""
    url = resolve_db_url(db)
    engine = open_database(url)
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        for slug, (publisher, kind, language) in SOURCES.items():
            ensure_source(session, SourceInfo(slug, publisher, kind, language, "listing"))
        run_id = start_run(session, list(SOURCES))
        records = [_record(p, now + timedelta(seconds=n)) for n, p in enumerate(pages)]
        store_batch(session, RawStore(data_dir_for(url)), records, run_id)
        finish_run(session, run_id, "finished", {})
    engine.dispose()


def ids(db: str) -> tuple[dict[str, int], dict[str, int]]:
    """Document ids by page name and current hit ids by sentence."""
    engine = open_database(db, create=False)
    with session_scope(engine) as session:
        documents = {url.rsplit("/", 1)[1].removesuffix(".html"): doc_id
                     for doc_id, url in session.execute(select(Document.id, Document.url))}
        hits = {h.sentence: h.id for h in find_hits(session, Filter())}
    engine.dispose()
    return documents, hits


def review(db: str, *args: str) -> int:
    """Run `evidence review … --db db` in this process."""
    return main(["review", *args, "--reviewer", "Analyst R", "--db", db])


def record_labels(db: str) -> dict[str, int]:
    """Store the pages and record every label through `evidence review`; return document ids."""
    store_pages(db, PAGES)
    docs, hits = ids(db)
    first = {p.name: p.sentences for p in PAGES}
    decisions = [(first["gov-a"][0], "rejected"), (first["gov-a"][0], "confirmed"),
                 (first["gov-a"][1], "rejected"), (first["gov-b"][0], "rejected"),
                 (first["news-a"][0], "needs-translation"), (first["en-a"][0], "confirmed")]
    for sentence, status in decisions:
        assert review(db, str(hits[sentence]), "--status", status, "--note", "test") == 0
    marks = [("gov-c", "transfer"), ("gov-d", "organised-transfer"), ("en-b", ""),
             ("news-c", ""), ("news-d", "soft"), ("news-e", "transfer")]
    for name, category in marks:
        extra = ["--category", category] if category else []
        assert review(db, "--missed", str(docs[name]), "--note", f"{name}: 第一段", *extra) == 0
    assert review(db, "--not-missed", str(docs["news-c"]), "--note", "price story") == 0
    store_pages(db, (NEWS_E_V2,))  # news-e changes and is flagged now; its hit is confirmed
    _, hits = ids(db)
    assert review(db, str(hits[NEWS_E_V2.sentences[0]]), "--status", "confirmed") == 0
    return docs


def tally(hit_tp: int, hit_fp: int, doc_tp: int, doc_fp: int, missed: int) -> dict[str, object]:
    """The JSON of one group's figures, as `evaluate --reviews --format json` prints it."""
    def ratio(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    return {"hits": {"tp": hit_tp, "fp": hit_fp, "precision": ratio(hit_tp, hit_tp + hit_fp)},
            "documents": {"tp": doc_tp, "fp": doc_fp, "missed": missed,
                          "precision": ratio(doc_tp, doc_tp + doc_fp),
                          "recall": ratio(doc_tp, doc_tp + missed)}}


# Hits: confirmed gov-a/0, en-a/0, news-e v2 (3); rejected gov-a/1, gov-b/0 (2).
# Documents: TP gov-a, en-a, news-e; FP gov-b; missed gov-c, gov-d, en-b, news-d (news-c
# withdrawn, news-e flagged since).
EXPECTED = {
    "labels": {"hits_confirmed": 3, "hits_rejected": 2, "hits_needs_translation": 1,
               "documents_confirmed": 3, "documents_rejected": 1, "documents_missed": 4,
               "missed_found_since": 1, "missed_withdrawn": 1},
    "overall": tally(3, 2, 3, 1, 4),
    "by_source": {"gov": tally(1, 2, 1, 1, 2), "news": tally(1, 0, 1, 0, 1),
                  "news-en": tally(1, 0, 1, 0, 1)},
    "by_language": {"en": tally(1, 0, 1, 0, 1), "zh": tally(2, 2, 2, 1, 3)},
    "by_category": {"(none)": tally(0, 0, 0, 0, 1), "control": tally(0, 1, 0, 0, 0),
                    "organised_transfer": tally(1, 0, 1, 0, 1), "soft": tally(0, 0, 0, 0, 1),
                    "transfer": tally(3, 1, 3, 1, 1)},
    "by_lexicon": {"L1": tally(2, 2, 2, 1, 3), "L2": tally(1, 0, 1, 0, 1)},
    "lexicon_versions": ["L1", "L2"],
}
