"""Full-text search over jieba-segmented, normalised text: SQLite FTS5 or a PostgreSQL tsvector.

Every version's title and text are folded (width, Traditional -> Simplified, lower case; see
``pipelines.text.normalise``) and segmented with the detector's jieba dictionary; the tokens go
into ``search_fts`` (rowid = ``versions.id``) separated by spaces, so FTS5's ``unicode61``
tokenizer sees jieba's words. A long word is followed by the dictionary words inside it
(``劳动力转移就业`` also yields ``劳动力``, ``转移``, ``就业``), so a short query finds it.
Queries are folded and segmented the same way: a query in either script finds both.

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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import Connection, event, select, text
from sqlalchemy.orm import Session, UOWTransaction

from db.models import Version
from db.queries import VersionFacts, version_facts, version_titles
from pipelines.text.normalise import fold_for_matching
from pipelines.text.segment import Segmenter

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


@lru_cache(maxsize=1)
def segmenter() -> Segmenter:
    """The detector's segmenter (lexicon terms as user words), shared with the crawl."""
    from pipelines.text.flag import Matcher
    from pipelines.text.lexicon import load_lexicon

    return Segmenter(Matcher(load_lexicon()).zh_keys)


def _frequencies() -> dict[str, int]:
    """jieba's word frequencies, user words included (0 or absent: not a word)."""
    freq: dict[str, int] = segmenter()._get().FREQ  # the loaded dictionary
    return freq


def _words(folded: str) -> list[str]:
    """jieba tokens of folded text that contain a letter or digit."""
    spans = segmenter().tokens(folded)
    return [folded[a:b] for a, b in spans if _WORD.search(folded[a:b])]


def subwords(token: str) -> list[str]:
    """Dictionary words of 2..4 characters strictly inside a Chinese token, by position."""
    if len(token) <= 2 or not _CJK.search(token):
        return []
    freq = _frequencies()
    found = []
    for start in range(len(token) - 1):
        for size in range(2, min(MAX_SUBWORD, len(token) - 1) + 1):
            piece = token[start:start + size]
            if len(piece) == size and freq.get(piece):
                found.append(piece)
    return found


def index_tokens(value: str) -> str:
    """The space-separated tokens stored in the index for ``value``."""
    out: list[str] = []
    for word in _words(fold_for_matching(value or "")):
        out.append(word)
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
    return [tok for word in query.split() for tok in _words(fold_for_matching(word))]


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression of a user query; '' when it has nothing to search for."""
    return " AND ".join(_clause(tok) for tok in dict.fromkeys(query_tokens(query)))


def phrase_words(query: str) -> list[str]:
    """Folded query words the index alone cannot check are contiguous (several tokens, or a
    token found through its parts)."""
    out = []
    for word in query.split():
        tokens = _words(fold_for_matching(word))
        if len(tokens) > 1 or any(len(_cover(t)) > 1 for t in tokens):
            out.append(fold_for_matching(word))
    return out


def highlight_words(query: str) -> list[str]:
    """Folded strings to mark in text: each query word, and its tokens."""
    words = [fold_for_matching(w) for w in query.split()]
    return list(dict.fromkeys([*words, *query_tokens(query)]))


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


def index_versions(conn: Connection, rows: Iterable[tuple[int, str | None, str]]) -> int:
    """(Re-)index versions given as (id, title, text); the index is derived, never evidence."""
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        ensure_table(conn)
    elif conn.dialect.name != "postgresql":
        return 0
    count = 0
    for version_id, title, body in rows:
        values = {"id": version_id, "t": index_tokens(title or ""), "b": index_tokens(body)}
        if sqlite:
            conn.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :id"), {"id": version_id})
            conn.execute(text(f"INSERT INTO {TABLE}(rowid, title, body) VALUES (:id, :t, :b)"),
                         values)
        else:
            conn.execute(text(_PG_UPSERT), values)
        count += 1
    return count


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
        ids = missing[start:start + batch]
        rows = session.execute(select(Version.id, Version.title, Version.text)
                               .where(Version.id.in_(ids)))
        index_versions(conn, [(r[0], r[1], r[2]) for r in rows])
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

    folded = fold_for_matching(body)
    spans = split_sentences(body) or [(0, len(body))]

    def weight(span: tuple[int, int]) -> tuple[int, int]:
        piece = folded[span[0]:span[1]]
        return (sum(1 for n in needles if n and n in piece),
                sum(piece.count(n) for n in needles if n))

    start, end = max(spans, key=weight)
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


@dataclass(frozen=True)
class SearchResult:
    """One matching document (its best-matching version) with the passage to read."""

    facts: VersionFacts
    rank: float | None
    title: Segments
    passage: Segments


@dataclass
class SearchPage:
    """A page of results, the total, and facet counts over the whole result set."""

    total: int
    results: list[SearchResult] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    needles: list[str] = field(default_factory=list)
    version_ids: list[int] = field(default_factory=list)  # the whole result set, ranked


def facet_values(facts: VersionFacts, name: str) -> Iterable[str]:
    """The values a version has for one facet."""
    if name == "year":
        return (str(facts.published_at.year) if facts.published_at else "n.d.",)
    if name == "flagged":
        return ("yes" if facts.flagged else "no",)
    if name == "category":
        return sorted(facts.categories)
    if name == "company":
        return sorted(facts.companies)
    if name == "review":
        return sorted(facts.reviews)
    return (str(getattr(facts, name)),)


def _passes(facts: VersionFacts, f: SearchFilter, skip: str | None = None) -> bool:
    for name in FACETS:
        wanted = getattr(f, name)
        if name != skip and wanted and wanted not in facet_values(facts, name):
            return False
    published = facts.published_at
    if f.date_from and (published is None or published < f.date_from):
        return False
    return not (f.date_to and (published is None or published > f.date_to))


def _facets(rows: list[VersionFacts], f: SearchFilter) -> dict[str, list[tuple[str, int]]]:
    """Counts per facet value over rows passing every *other* filter (so choices stay visible)."""
    out: dict[str, list[tuple[str, int]]] = {}
    for name in FACETS:
        counts: dict[str, int] = {}
        for facts in rows:
            if _passes(facts, f, skip=name):
                for value in facet_values(facts, name):
                    counts[value] = counts.get(value, 0) + 1
        out[name] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return out


def _ranks(session: Session, query: str) -> dict[int, float]:
    """Rank (lower is better; titles weigh 3x) of every version matching ``query``."""
    if not _sqlite(session):
        return _pg_ranks(session, query)
    sql = text(f"SELECT rowid, bm25({TABLE}, 3.0, 1.0) FROM {TABLE} WHERE {TABLE} MATCH :q")
    return {row[0]: float(row[1]) for row in session.execute(sql, {"q": match_expression(query)})}


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


def _pg_ranks(session: Session, query: str) -> dict[int, float]:
    """Negated ts_rank (title weight A = 3x body B, length-normalised) of every match."""
    expression, params = pg_tsquery(query)
    sql = text(f"SELECT version_id, -ts_rank('{_PG_WEIGHTS}', tsv, q, 1) "
               f"FROM {PG_TABLE}, (SELECT {expression} AS q) AS wanted WHERE tsv @@ q")
    return {row[0]: float(row[1]) for row in session.execute(sql, params)}


def _contiguous(session: Session, ranks: dict[int, float], words: list[str]
                ) -> dict[int, float]:
    """Only the versions whose folded title or text contains every phrase word as typed."""
    if not words:
        return ranks
    texts = version_titles(session, ranks.keys())
    return {vid: rank for vid, rank in ranks.items()
            if all(w in fold_for_matching(texts[vid][0]) or w in fold_for_matching(texts[vid][1])
                   for w in words)}


def _best_per_document(rows: list[VersionFacts], ranks: dict[int, float] | None
                       ) -> list[VersionFacts]:
    """One version per document: the best-ranked, newest on ties."""
    best: dict[int, VersionFacts] = {}
    for facts in rows:
        held = best.get(facts.document_id)
        if held is None or _order(facts, ranks) < _order(held, ranks):
            best[facts.document_id] = facts
    return list(best.values())


def _order(facts: VersionFacts, ranks: dict[int, float] | None) -> tuple[float, ...]:
    if ranks is not None:
        return (ranks[facts.version_id], -facts.version_id)
    day = facts.published_at.toordinal() if facts.published_at else 0
    return (-facts.score, -day, -facts.version_id)


def search(session: Session, f: SearchFilter) -> SearchPage:
    """Search every stored version; rank, filter, count facets and mark the passages."""
    ranks = None
    if f.query.strip():
        expression = match_expression(f.query)
        if not expression or not has_index(session):
            return SearchPage(total=0, facets={name: [] for name in FACETS})
        ranks = _contiguous(session, _ranks(session, f.query), phrase_words(f.query))
    rows = _best_per_document(version_facts(session, ranks.keys() if ranks is not None
                                            else None), ranks)
    chosen = sorted((r for r in rows if _passes(r, f)), key=lambda r: _order(r, ranks))
    needles = highlight_words(f.query) if f.query.strip() else []
    page = chosen[f.offset:f.offset + f.limit]
    texts = version_titles(session, [r.version_id for r in page])
    results = [SearchResult(r, ranks[r.version_id] if ranks else None,
                            highlight(texts[r.version_id][0], needles),
                            passage(texts[r.version_id][1], needles))
               for r in page]
    return SearchPage(total=len(chosen), results=results, facets=_facets(rows, f),
                      needles=needles, version_ids=[r.version_id for r in chosen])
