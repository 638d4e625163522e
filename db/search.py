"""Full-text search over jieba-segmented, normalised text: SQLite FTS5 or a PostgreSQL tsvector.

Every version's title and text are folded (width, Traditional -> Simplified, lower case; see
``pipelines.text.normalise``) and segmented with the detector's jieba dictionary; the tokens go
into ``search_fts`` (rowid = ``versions.id``) separated by spaces, so FTS5's ``unicode61``
tokenizer sees jieba's words. A long word is followed by the dictionary words inside it
(``劳动力转移就业`` also yields ``劳动力``, ``转移``, ``就业``), so a short query finds it.
Queries are folded and segmented the same way: a query in either script finds both. English
words are stored and asked for in one spelling (labour/labor, Uighur/Uyghur: see
``pipelines.text.spelling``), and a query is segmented through the cached word store when the
dictionary is not loaded (``db.search_words``): the same tokens either way.

On PostgreSQL the same token strings go into ``search_tokens`` (version_id, title, body) with
a stored ``tsvector`` column built by ``to_tsvector('simple', ...)`` (title weighted A, body B)
and a GIN index. The ``simple`` configuration only lower-cases and splits on spaces and
punctuation, so the lexemes are jieba's words: neither backend segments Chinese itself. A query
token becomes ``phraseto_tsquery`` of the token, or (when jieba might have cut it differently)
the AND of its parts; ranking is ``ts_rank`` with the title weighing three times the body, like
FTS5's ``bm25(3, 1)``, negated so that lower is better on both backends. Where FTS5 asks the
parts to be NEAR each other, PostgreSQL only asks for all of them; the phrase check that follows
(``phrase_words``) keeps only texts where the word itself occurs, on both backends.

The index follows the data: a flush listener indexes every new ``Version`` in the same
transaction (register it by importing this module; ``db.store`` does), ``sync_index`` adds any
version still missing (databases made before the index existed), and reprocessing re-indexes.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import chain
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    bindparam,
    column,
    event,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session, UOWTransaction, aliased

from db.models import Document, Hit, Review, Source, Version
from db.queries import (
    UNREVIEWED,
    VersionFacts,
    current_extraction,
    current_flagged,
    current_score,
    is_current_hit,
    version_titles,
)
from db.queries import _hit_facts as hit_facts  # the same current hits as version_facts
from db.search_words import graph, spellings
from pipelines.text.normalise import fold_for_matching, is_folded
from pipelines.text.spelling import LATIN

TABLE = "search_fts"
_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 0')"
)
PG_TABLE = "search_tokens"
PG_DDL = (  # frozen in db/migrations/versions/0002 for databases made before it
    f"CREATE TABLE IF NOT EXISTS {PG_TABLE} ("
    " version_id INTEGER PRIMARY KEY REFERENCES versions(id),"
    " title TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',"
    " tsv TSVECTOR GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title), 'A') ||"
    " setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED)",
    f"CREATE INDEX IF NOT EXISTS ix_search_tokens_tsv ON {PG_TABLE} USING GIN (tsv)",
)
_PG_UPSERT = (f"INSERT INTO {PG_TABLE} (version_id, title, body) VALUES (:id, :t, :b) "
              "ON CONFLICT (version_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body")
_PG_WEIGHTS = "{0.1, 0.2, 0.3333, 1.0}"  # D, C, B (body), A (title): title counts 3x
_WORD = re.compile(r"\w", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_SUBWORD = 4


def _words(folded: str, short: bool = False) -> list[str]:
    """jieba tokens of folded text that contain a letter or digit, English words in their
    one spelling (``short``: a query, segmented through the word store when it can be)."""
    out, start, word, spell = [], 0, _WORD.search, spellings().text
    for end in graph(short).ends(folded):
        token = folded[start:end]
        if word(token):
            out.append(spell(token))
        start = end
    return out


def subwords(token: str) -> list[str]:
    """Dictionary words of 2..4 characters strictly inside a Chinese token, by position."""
    if len(token) <= 2 or not _CJK.search(token):
        return []
    return list(_subwords(token))


@lru_cache(maxsize=200_000)
def _subwords(token: str) -> tuple[str, ...]:
    freq = graph(short=True).freq  # queries and documents alike: the same frequencies
    found = []
    for start in range(len(token) - 1):
        for size in range(2, min(MAX_SUBWORD, len(token) - 1) + 1):
            piece = token[start:start + size]
            if len(piece) == size and freq.get(piece):
                found.append(piece)
    return tuple(found)


def index_tokens(value: str) -> str:
    """The space-separated tokens stored in the index for ``value``."""
    out: list[str] = []
    for word in _words(fold_for_matching(value or "")):
        out.append(word)
        if len(word) > 2:
            out.extend(subwords(word))
    return " ".join(out).replace("\x00", "")


def _quote(token: str) -> str:
    """An FTS5 string literal: anything inside double quotes is plain text."""
    return '"' + token.replace('"', '""') + '"'


def _cover(token: str) -> list[str]:
    """Sub-words covering ``token`` left to right (longest first), or [] if there is a gap."""
    parts, pos, inner = [], 0, set(subwords(token))
    while pos < len(token):
        piece = next((token[pos:pos + n] for n in range(MAX_SUBWORD, 1, -1)
                      if token[pos:pos + n] in inner and pos + n <= len(token)), None)
        if piece is None:
            return []
        parts.append(piece)
        pos += len(piece)
    return parts


def _clause(token: str) -> str:
    """Match the token itself, or its parts next to each other (another segmentation)."""
    parts = _cover(token)
    if len(parts) < 2:
        return _quote(token)
    near = " ".join(_quote(p) for p in parts)
    return f"({_quote(token)} OR NEAR({near}, {2 * len(token)}))"


def query_tokens(query: str) -> list[str]:
    """The folded, segmented tokens of a query (what the index is asked for)."""
    return [tok for word in query.split() for tok in _words(fold_for_matching(word), True)]


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression of a user query; '' when it has nothing to search for."""
    return " AND ".join(_clause(tok) for tok in dict.fromkeys(query_tokens(query)))


def phrase_words(query: str) -> list[str]:
    """Folded query words (English in one spelling: see ``search_fold``) the index alone
    cannot check are contiguous (several tokens, or a token found through its parts)."""
    out = []
    for word in query.split():
        tokens = _words(fold_for_matching(word), True)
        if len(tokens) > 1 or any(len(_cover(t)) > 1 for t in tokens):
            out.append(search_fold(word))
    return out


def search_fold(value: str) -> str:
    """``value`` folded for matching, each English word in its one spelling."""
    return spellings().text(fold_for_matching(value))


def highlight_words(query: str) -> list[str]:
    """Folded strings to mark in text: each query word, and its tokens, in every spelling."""
    words = [fold_for_matching(w) for w in query.split()]
    tokens = query_tokens(query)
    forms = [form for token in tokens for run in LATIN.findall(token)
             for form in spellings().forms(run)]
    return list(dict.fromkeys([*words, *tokens, *forms]))


# --- keeping the index in step


def ensure_table(conn: Connection) -> None:
    """Create the FTS5 table if this database has none yet."""
    conn.execute(text(_CREATE))


def create_search_table(conn: Connection) -> None:
    """Create this backend's search table (FTS5 on SQLite, search_tokens on PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        ensure_table(conn)
    elif conn.dialect.name == "postgresql":
        for statement in PG_DDL:
            conn.execute(text(statement))


TokenRow = tuple[int, str, str]  # version id, title tokens, body tokens


def tokenize(rows: Iterable[tuple[int, str | None, str]]) -> list[TokenRow]:
    """Index tokens of versions given as (id, title, text); pure, so worker processes can do
    it while one connection writes (``write_index``)."""
    return [(vid, index_tokens(title or ""), index_tokens(body)) for vid, title, body in rows]


def write_index(conn: Connection, rows: Sequence[TokenRow]) -> int:
    """(Re-)index tokenized versions with one executemany per statement; return how many."""
    latest = {vid: (title, body) for vid, title, body in rows}  # a repeated id: its last row
    values = [{"id": vid, "t": title, "b": body} for vid, (title, body) in latest.items()]
    if not values:
        return 0
    if conn.dialect.name == "sqlite":
        ensure_table(conn)
        conn.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :id"), values)
        conn.execute(text(f"INSERT INTO {TABLE}(rowid, title, body) VALUES (:id, :t, :b)"),
                     values)
    elif conn.dialect.name == "postgresql":
        conn.execute(text(_PG_UPSERT), values)
    else:
        return 0
    return len(values)


def index_versions(conn: Connection, rows: Iterable[tuple[int, str | None, str]]) -> int:
    """(Re-)index versions given as (id, title, text); the index is derived, never evidence."""
    if conn.dialect.name not in ("sqlite", "postgresql"):
        return 0
    return write_index(conn, tokenize(rows))


@event.listens_for(Session, "after_flush")
def _index_new_versions(session: Session, _context: UOWTransaction) -> None:
    """Index every version inserted by this flush, in the same transaction."""
    new = [obj for obj in session.new if isinstance(obj, Version)]
    if not new:
        return
    index_versions(session.connection(), [(v.id, v.title, v.text) for v in new])


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def has_index(session: Session) -> bool:
    """Whether this database has its search table."""
    if not _sqlite(session):
        return session.scalar(text(f"SELECT to_regclass('{PG_TABLE}') IS NOT NULL")) is True
    found = session.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": TABLE})
    return found.first() is not None


def missing_versions(session: Session) -> list[int]:
    """Ids of versions not in the index yet."""
    if not has_index(session):
        return list(session.scalars(select(Version.id).order_by(Version.id)))
    # rows are only ever written for versions, and versions never deleted: equal counts mean
    # nothing is missing (counting is cheap; the anti-join reads every id)
    rows = f"{TABLE}_docsize" if _sqlite(session) else PG_TABLE
    held = session.scalar(text(f"SELECT count(*) FROM {rows}"))
    if held == session.scalar(select(func.count(Version.id))):
        return []
    indexed = f"SELECT rowid FROM {TABLE}" if _sqlite(session) else \
        f"SELECT version_id FROM {PG_TABLE}"
    query = text(f"SELECT id FROM versions WHERE id NOT IN ({indexed}) ORDER BY id")
    return [row[0] for row in session.execute(query)]


def sync_index(session: Session, batch: int = 100) -> int:
    """Index every version the index lacks (e.g. stored before it existed); return how many."""
    conn = session.connection()
    create_search_table(conn)
    missing = missing_versions(session)
    for start in range(0, len(missing), batch):
        texts = version_titles(session, missing[start:start + batch])  # re-extracted: newest
        index_versions(conn, [(vid, title, body) for vid, (title, body) in texts.items()])
    return len(missing)


# --- highlighting

Segments = list[tuple[str, bool]]  # (text, is_match) in reading order


def match_spans(value: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Merged spans of ``value`` whose folded form equals one of the (folded) needles."""
    folded = fold_for_matching(value)
    spans: list[tuple[int, int]] = []
    for needle in {n for n in needles if n}:
        start = folded.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(value: str, needles: Iterable[str]) -> Segments:
    """``value`` cut into plain and matching segments (matching is script-insensitive)."""
    out: Segments = []
    pos = 0
    for start, end in match_spans(value, needles):
        if start > pos:
            out.append((value[pos:start], False))
        out.append((value[start:end], True))
        pos = end
    if pos < len(value) or not out:
        out.append((value[pos:], False))
    return out


def passage(body: str, needles: Sequence[str], width: int = 220) -> Segments:
    """The sentence with the most distinct matches (cut to ``width`` around them), marked."""
    from pipelines.text.sentences import split_sentences

    spans = split_sentences(body) or [(0, len(body))]
    start, end = spans[_best_sentence(fold_for_matching(body), spans, needles)]
    first = match_spans(body[start:end], needles)
    if end - start > width:
        centre = start + (first[0][0] if first else 0)
        start = max(start, centre - width // 3)
        end = min(end, start + width)
    segments = highlight(body[start:end].strip(), needles)
    if start > 0:
        segments.insert(0, ("…", False))
    if end < len(body):
        segments.append(("…", False))
    return segments


def _best_sentence(folded: str, spans: list[tuple[int, int]], needles: Sequence[str]) -> int:
    """Index of the sentence holding the most distinct needles, then the most occurrences
    (non-overlapping, each inside the sentence); the first such sentence on ties."""
    starts = [start for start, _ in spans]
    distinct: dict[int, int] = {}
    total: dict[int, int] = {}
    for needle in dict.fromkeys(n for n in needles if n):
        seen: set[int] = set()
        at = folded.find(needle)
        while at >= 0:
            index = bisect_right(starts, at) - 1
            if index >= 0 and at + len(needle) <= spans[index][1]:
                total[index] = total.get(index, 0) + 1
                if index not in seen:
                    seen.add(index)
                    distinct[index] = distinct.get(index, 0) + 1
                at = folded.find(needle, at + len(needle))
            else:  # crosses a sentence end: look again from inside the next sentence
                at = folded.find(needle, at + 1)
    if not total:
        return 0
    return max(sorted(total), key=lambda i: (distinct[i], total[i]))


@lru_cache(maxsize=1)
def _spellings() -> dict[str, tuple[str, ...]]:
    """Folded spellings (canonical and variants) of every lexicon term and company."""
    from pipelines.text.lexicon import load_lexicon

    lexicon = load_lexicon()
    found = {t.term: (t.term, *t.variants) for t in lexicon.terms}
    found.update({c.name: (c.name, *c.aliases, *c.english) for c in lexicon.companies})
    return {k: tuple(fold_for_matching(v) for v in vs) for k, vs in found.items()}


def term_needles(terms: Iterable[str]) -> list[str]:
    """Every spelling of the given canonical lexicon terms, folded, to mark in a sentence."""
    spellings = _spellings()
    return [s for term in terms for s in spellings.get(term, (fold_for_matching(term),))]


# --- searching

FACETS = ("kind", "source", "category", "company", "year", "language", "review", "flagged")


@dataclass(frozen=True)
class SearchFilter:
    """A query and facet filters; unset fields do not filter."""

    query: str = ""
    source: str | None = None
    kind: str | None = None
    category: str | None = None
    company: str | None = None
    year: str | None = None  # "2023", or "n.d." for undated documents
    language: str | None = None
    review: str | None = None  # confirmed | rejected | needs_translation | unreviewed
    flagged: str | None = None  # "yes" | "no"
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 20
    offset: int = 0
    sort: str = "auto"  # relevance | newest | auto: relevance unless the matches are capped


@dataclass(frozen=True)
class SearchResult:
    """One matching document (its best-matching version) with the passage to read."""

    facts: VersionFacts
    rank: float | None
    title: Segments
    passage: Segments


MAX_MATCHES = 1_000  # matching versions ranked and counted per search (newest first)
SORTS = ("auto", "relevance", "newest")


@dataclass
class SearchPage:
    """A page of results, the total, and facet counts over the whole result set.

    ``capped``: more than ``MAX_MATCHES`` versions match, so ranking, ``total``, facets and
    ``version_ids`` cover only the ``MAX_MATCHES`` newest matching versions that meet the
    filters (and a facet then counts only among them, the chosen value included).
    ``order``: "relevance" (bm25, titles 3x) or "newest" (newest stored first): a capped
    search is shown newest first unless relevance is asked for (``SearchFilter.sort``);
    "score" without a query (flagged documents by score, then date).
    """

    total: int
    results: list[SearchResult] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    needles: list[str] = field(default_factory=list)
    version_ids: list[int] = field(default_factory=list)  # the whole result set, ranked
    capped: bool = False
    order: str = "relevance"


Values = tuple[tuple[str, ...], ...]  # a version's values of each facet, in FACETS order


class Candidate(NamedTuple):
    """What ranking, filters and facet counts need of one matching version."""

    version_id: int
    document_id: int
    published_at: date | None
    score: float
    values: Values
    hits: int = 0


def _values(row: Any, hits: list[tuple[Any, ...]]) -> Values:
    """Facet values of a candidate row (see ``_candidates_of``) and its current hits."""
    year = str(row[2].year) if row[2] else "n.d."
    if not hits:
        return ((row[7],), (row[6],), (), (), (year,), (row[3],), (), (_YES_NO[bool(row[4])],))
    categories = sorted({c for cats, _, _ in hits for c in json.loads(cats)})
    companies = sorted({c for _, comps, _ in hits for c in json.loads(comps)})
    reviews = sorted({status or UNREVIEWED for _, _, status in hits})
    return ((row[7],), (row[6],), tuple(categories), tuple(companies), (year,), (row[3],),
            tuple(reviews), (_YES_NO[bool(row[4])],))


_YES_NO = {True: "yes", False: "no"}
_IDS: Any = bindparam("ids", expanding=True)
# on SQLite the ids go as one JSON array: no statement to re-render for each list of ids
_JSON_IDS: Any = select(literal_column("value")).select_from(
    func.json_each(bindparam("ids_json"))).scalar_subquery()


@lru_cache(maxsize=3)
def _facts_query(ids: str) -> Any:
    """The candidate facts statement, of every version ("all") or of the given ids ("in",
    or "json" on SQLite); built once, so SQLAlchemy reuses its compiled form."""
    query = (select(Version.id, Version.document_id, Version.published_at, Version.language,
                    current_flagged(), current_score(), Source.slug, Source.kind)
             .join(Document, Version.document_id == Document.id)
             .join(Source, Document.source_id == Source.id))
    if ids == "all":
        return query
    return query.where(Version.id.in_(_JSON_IDS if ids == "json" else _IDS))


def _id_params(conn: Connection, ids: list[int]) -> tuple[str, dict[str, Any]]:
    """How to pass ``ids`` to a statement on this backend."""
    if conn.dialect.name == "sqlite":
        return "json", {"ids_json": json.dumps(ids)}
    return "in", {"ids": ids}


def _candidates_of(session: Session, ids: list[int] | None) -> list[Candidate]:
    """Candidates of the given versions (all when None), a few SQL statements in all."""
    conn = session.connection()  # Core rows: no ORM row processing for thousands of rows
    out: list[Candidate] = []
    chunks = [None] if ids is None else [sorted(ids)] if _sqlite(session) else \
        _chunks(sorted(ids))
    for chunk in chunks:
        how, params = ("all", {}) if chunk is None else _id_params(conn, chunk)
        rows = conn.execute(_facts_query(how), params)
        with_hits = _with_hits(conn, chunk)
        hits = hit_facts(session, with_hits) if with_hits != [] else {}
        out.extend(Candidate(row[0], row[1], row[2], float(row[5] or 0),
                             _values(row, hits.get(row[0], [])), len(hits.get(row[0], [])))
                   for row in rows)
    return out


def _page_facts(session: Session, page: list[Candidate]) -> dict[int, VersionFacts]:
    """The facts shown for a page of candidates (what facets counted, plus url and title)."""
    query = (select(Version.id, Document.url, Version.title,
                    func.coalesce(Version.publisher, Source.publisher))
             .join(Document, Version.document_id == Document.id)
             .join(Source, Document.source_id == Source.id)
             .where(Version.id.in_([c.version_id for c in page])))
    shown = {row[0]: row[1:] for row in session.connection().execute(query)}
    out = {}
    for c in page:
        url, title, publisher = shown[c.version_id]
        kind, source, categories, companies, _, language, reviews, flagged = c.values
        out[c.version_id] = VersionFacts(
            version_id=c.version_id, document_id=c.document_id, url=url, title=title,
            publisher=publisher, published_at=c.published_at, language=language[0],
            flagged=flagged == ("yes",), score=c.score, source=source[0], kind=kind[0],
            hits=c.hits, categories=frozenset(categories), companies=frozenset(companies),
            reviews=frozenset(reviews))
    return out


def _with_hits(conn: Connection, ids: list[int] | None) -> list[int] | None:
    """Of ``ids``, those with any stored hit (an index lookup each; most versions have none)."""
    if ids is None:
        return None
    how, params = _id_params(conn, ids)
    wanted = Hit.version_id.in_(_JSON_IDS if how == "json" else _IDS)
    return list(conn.scalars(select(Hit.version_id).where(wanted).distinct(), params))


def _wanted(f: SearchFilter) -> list[tuple[int, str]]:
    """The facet filters that are set, as (position in FACETS, wanted value)."""
    return [(i, value) for i, name in enumerate(FACETS) if (value := getattr(f, name))]


def _failed(c: Candidate, wanted: list[tuple[int, str]], f: SearchFilter) -> list[int]:
    """Positions of the facet filters a candidate fails; -1 for the date range."""
    failed = [i for i, value in wanted if value not in c.values[i]]
    day = c.published_at
    if (f.date_from and (day is None or day < f.date_from)) or \
            (f.date_to and (day is None or day > f.date_to)):
        failed.append(-1)
    return failed


def _facets(rows: list[Candidate], f: SearchFilter) -> dict[str, list[tuple[str, int]]]:
    """Counts per facet value over rows passing every *other* filter (so choices stay visible).

    A row failing no filter counts in every facet, a row failing one facet's filter only in
    that facet, any other row (or one failing the date range) nowhere: one pass over the rows.
    """
    wanted, every = _wanted(f), range(len(FACETS))
    if not wanted and not f.date_from and not f.date_to:  # every row counts everywhere
        counts: list[dict[str, int]] = [
            Counter(chain.from_iterable(row.values[i] for row in rows)) for i in every]
        return _sorted_counts(counts)
    counts = [{} for _ in FACETS]
    for row in rows:
        failed = _failed(row, wanted, f) if wanted or f.date_from or f.date_to else []
        for i in every if not failed else failed if len(failed) == 1 and failed[0] >= 0 else ():
            found = counts[i]
            for value in row.values[i]:
                found[value] = found.get(value, 0) + 1
    return _sorted_counts(counts)


def _sorted_counts(counts: list[dict[str, int]]) -> dict[str, list[tuple[str, int]]]:
    """Each facet's values, most frequent first (then by value)."""
    return {name: sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
            for name, found in zip(FACETS, counts, strict=True)}


def _ranks(session: Session, query: str, cap: int, where: Sequence[Any] = (),
           ranked: bool = True) -> dict[int, float]:
    """The newest ``cap`` versions matching that also meet the ``where`` conditions (on
    versions, documents and sources), with their rank (lower is better; titles weigh 3x),
    or 0.0 each when not ``ranked``.

    Ranking costs more than matching: bm25 first counts every version holding each query
    word (~40 ms for a word in 800,000 of 1M versions), where matching stops at ``cap``.
    """
    if not _sqlite(session):
        return _pg_ranks(session, query, cap, where, ranked)
    fts = table(TABLE, column("rowid"))
    rank: Any = literal_column(f"bm25({TABLE}, 3.0, 1.0)" if ranked else "0.0")
    found = select(fts.c.rowid, rank).where(
        text(f"{TABLE} MATCH :q").bindparams(q=match_expression(query)))
    if where:
        found = _joined(found, fts, fts.c.rowid).where(*where)
    found = found.order_by(fts.c.rowid.desc()).limit(cap)
    return {row[0]: float(row[1]) for row in session.execute(found)}


def _joined(found: Any, index: Any, version_id: Any) -> Any:
    """``found`` (over the search table) joined to versions, documents and sources."""
    return (found.join_from(index, Version, Version.id == version_id)
            .join(Document, Version.document_id == Document.id)
            .join(Source, Document.source_id == Source.id))


def pg_tsquery(query: str) -> tuple[str, dict[str, str]]:
    """The PostgreSQL tsquery expression (and its parameters) of a user query."""
    clauses, params = [], {}
    for n, token in enumerate(dict.fromkeys(query_tokens(query))):
        params[f"t{n}"] = token
        clause = f"phraseto_tsquery('simple', :t{n})"
        parts = _cover(token)
        if len(parts) >= 2:
            params[f"p{n}"] = " ".join(parts)
            clause = f"({clause} || plainto_tsquery('simple', :p{n}))"
        clauses.append(clause)
    return " && ".join(clauses), params


def _pg_ranks(session: Session, query: str, cap: int, where: Sequence[Any] = (),
              ranked: bool = True) -> dict[int, float]:
    """Negated ts_rank (title weight A = 3x body B, length-normalised) of the newest matches."""
    expression, params = pg_tsquery(query)
    rank = f"-ts_rank('{_PG_WEIGHTS}', tsv, q, 1)" if ranked else "0.0"
    matches = text(f"SELECT version_id, {rank} AS rank "
                   f"FROM {PG_TABLE}, (SELECT {expression} AS q) AS wanted WHERE tsv @@ q"
                   ).bindparams(**params).columns(column("version_id"), column("rank")
                                                  ).subquery()
    found = select(matches.c.version_id, matches.c.rank)
    if where:
        found = _joined(found, matches, matches.c.version_id).where(*where)
    found = found.order_by(matches.c.version_id.desc()).limit(cap)
    return {row[0]: float(row[1]) for row in session.execute(found)}


def _contiguous(session: Session, ranks: dict[int, float], words: list[str]
                ) -> dict[int, float]:
    """Only the versions whose folded title or text contains every phrase word as typed.

    Cheapest proof first: a word that is one index token is in every text indexed with that
    token; then the database keeps the versions whose own title or text (when current) has
    every word as is, which the folded text has too; only the rest are read and folded here.
    """
    if not words or not ranks:
        return ranks
    todo = set(ranks)
    for word in words:
        if query_tokens(word) == [word]:
            todo -= _with_token(session, word, min(ranks), max(ranks))
    todo -= _holding(session, sorted(todo), words)
    texts = version_titles(session, todo)
    return {vid: rank for vid, rank in ranks.items() if vid not in todo or (
        vid in texts and all(_folded_has(texts[vid][0], w) or _folded_has(texts[vid][1], w)
                             for w in words))}


def _folded_has(value: str, word: str) -> bool:
    """Whether ``value``, folded for search, contains ``word`` (most texts fold to themselves:
    Chinese ones often do, English ones when every word is spelt the one way)."""
    if word in value:
        return True
    if is_folded(value) and not LATIN.search(value):
        return False
    return word in search_fold(value)


def _with_token(session: Session, token: str, low: int, high: int) -> set[int]:
    """Versions with ids in [low, high] whose index holds ``token``."""
    if _sqlite(session):
        sql = text(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :q "
                   "AND rowid BETWEEN :low AND :high")
        found = session.scalars(sql, {"q": _quote(token), "low": low, "high": high})
    else:
        sql = text(f"SELECT version_id FROM {PG_TABLE} WHERE "
                   "tsv @@ phraseto_tsquery('simple', :q) AND version_id BETWEEN :low AND :high")
        found = session.scalars(sql, {"q": token, "low": low, "high": high})
    return set(found)


def _holding(session: Session, ids: list[int], words: list[str]) -> set[int]:
    """Of ``ids``, the versions whose own title or text has every word as is (when current)."""
    position = func.instr if _sqlite(session) else func.strpos
    held = [or_(position(Version.text, w) > 0, position(func.coalesce(Version.title, ""), w) > 0)
            for w in words]
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update(session.scalars(select(Version.id).where(
            Version.id.in_(chunk), current_extraction().is_(None), *held)))
    return found


def _chunks(ids: list[int], size: int = 900) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _best_per_document(rows: list[Candidate], ranks: dict[int, float] | None
                       ) -> list[Candidate]:
    """One version per document: the best-ranked, newest on ties."""
    best: dict[int, Candidate] = {}
    for row in rows:
        held = best.get(row.document_id)
        if held is None or _order(row, ranks) < _order(held, ranks):
            best[row.document_id] = row
    return list(best.values())


def _order(row: Candidate, ranks: dict[int, float] | None) -> tuple[float, ...]:
    if ranks is not None:
        return (ranks[row.version_id], -row.version_id)
    day = row.published_at.toordinal() if row.published_at else 0
    return (-row.score, -day, -row.version_id)


def _conditions(f: SearchFilter) -> list[Any]:
    """The filters of ``f`` as SQL conditions on versions, documents, sources and hits."""
    where: list[Any] = [column == value for column, value in (
        (Source.kind, f.kind), (Source.slug, f.source), (Version.language, f.language)) if value]
    if f.year == "n.d.":
        where.append(Version.published_at.is_(None))
    elif f.year and f.year.isdigit():
        where.append(Version.published_at.between(date(int(f.year), 1, 1),
                                                  date(int(f.year), 12, 31)))
    elif f.year:
        where.append(false())
    if f.flagged:
        where.append(current_flagged() == (f.flagged == "yes"))
    if f.date_from:
        where.append(Version.published_at >= f.date_from)
    if f.date_to:
        where.append(Version.published_at <= f.date_to)
    return where + _hit_conditions(f)


def _hit_conditions(f: SearchFilter) -> list[Any]:
    """Category, company and review filters: some current hit of the version has them."""
    held = [like for name, value in (("categories", f.category), ("companies", f.company))
            if value for like in [getattr(Hit, name).like(
                "%" + json.dumps(value, ensure_ascii=False) + "%")]]
    if not held and not f.review:
        return []
    hit = select(Hit.id).where(Hit.version_id == Version.id, is_current_hit(), *held)
    if f.review:
        newer = aliased(Review)
        latest = select(func.max(newer.id)).where(newer.hit_id == Hit.id).scalar_subquery()
        status = select(Review.status).where(Review.id == latest).scalar_subquery()
        hit = hit.where(status.is_(None) if f.review == UNREVIEWED else status == f.review)
    return [hit.exists()]


def _matching(session: Session, f: SearchFilter, cap: int
              ) -> tuple[dict[int, float] | None, list[int] | None, bool]:
    """Ranks of the matching versions (None: no query; all 0.0: newest first), the ids to
    read (None: all), and whether there were more than ``cap``.

    Over the cap, the newest ``cap`` versions meeting the filters are read (not the newest
    matches, then filtered), so a filter finds what it asks for in a large archive.
    """
    query = f.query.strip()
    ranks = _ranks(session, query, cap + 1, ranked=False) if query else None
    newest = list(ranks) if ranks is not None else list(session.scalars(
        select(Version.id).order_by(Version.id.desc()).limit(cap + 1)))
    capped = len(newest) > cap
    where = _conditions(f) if capped else []
    if ranks is not None and (where or _ranked(f, capped)):
        ranks = _ranks(session, query, cap + 1, where, _ranked(f, capped))
    elif where:
        newest = list(session.scalars(
            select(Version.id).join(Document, Version.document_id == Document.id)
            .join(Source, Document.source_id == Source.id)
            .where(*where).order_by(Version.id.desc()).limit(cap + 1)))
    if ranks is not None:
        if len(ranks) > cap:
            ranks.pop(min(ranks))
        ranks = _contiguous(session, ranks, phrase_words(query))
        return ranks, list(ranks), capped
    return None, (newest[:cap] if capped else None), capped


_ORDER = {(True, True): "relevance", (True, False): "newest", (False, False): "score"}


def _ranked(f: SearchFilter, capped: bool) -> bool:
    """Whether results are ordered by relevance (else newest first)."""
    return f.sort == "relevance" or (f.sort != "newest" and not capped)


def search(session: Session, f: SearchFilter, cap: int = MAX_MATCHES) -> SearchPage:
    """Search the stored versions; rank, filter, count facets and mark the passages.

    At most ``cap`` matching versions (the newest) are ranked and counted: see ``SearchPage``.
    """
    if f.query.strip() and (not match_expression(f.query) or not has_index(session)):
        return SearchPage(total=0, facets={name: [] for name in FACETS})
    ranks, ids, capped = _matching(session, f, cap)
    rows = _best_per_document(_candidates_of(session, ids), ranks)
    wanted = _wanted(f)
    chosen = sorted((r for r in rows if not _failed(r, wanted, f)),
                    key=lambda r: _order(r, ranks))
    needles = highlight_words(f.query) if f.query.strip() else []
    page = chosen[f.offset:f.offset + f.limit]
    facts = _page_facts(session, page)
    texts = version_titles(session, list(facts))
    ranked = ranks is not None and _ranked(f, capped)
    results = [SearchResult(facts[r.version_id], ranks[r.version_id] if ranks and ranked
                            else None,
                            highlight(texts[r.version_id][0], needles),
                            passage(texts[r.version_id][1], needles))
               for r in page]
    return SearchPage(total=len(chosen), results=results, facets=_facets(rows, f),
                      needles=needles, version_ids=[r.version_id for r in chosen],
                      capped=capped, order=_ORDER[ranks is not None, ranked])

