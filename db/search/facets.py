"""The candidates of a search and their facet counts (what each filter choice would find)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from functools import lru_cache
from itertools import chain
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, func, literal_column, select
from sqlalchemy.orm import Session

from db.backend import backend_of
from db.current import current_flagged, current_score
from db.filters import UNREVIEWED, Filter
from db.models import Document, Hit, Source, Version
from db.queries import hit_facts

FACETS = ("kind", "source", "category", "company", "year", "language", "review", "flagged")
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
    """Facet values of a candidate row (see ``candidates_of``) and its current hits."""
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


def candidates_of(session: Session, ids: list[int] | None) -> list[Candidate]:
    """Candidates of the given versions (all when None), a few SQL statements in all."""
    conn = session.connection()  # Core rows: no ORM row processing for thousands of rows
    backend = backend_of(conn)
    out: list[Candidate] = []
    chunks = [None] if ids is None else backend.id_chunks(ids)
    for chunk in chunks:
        how, params = ("all", {}) if chunk is None else backend.id_params(chunk)
        rows = conn.execute(_facts_query(how), params)
        with_hits = _with_hits(conn, chunk)
        hits = hit_facts(session, with_hits) if with_hits != [] else {}
        out.extend(Candidate(row[0], row[1], row[2], float(row[5] or 0),
                             _values(row, hits.get(row[0], [])), len(hits.get(row[0], [])))
                   for row in rows)
    return out


def _with_hits(conn: Connection, ids: list[int] | None) -> list[int] | None:
    """Of ``ids``, those with any stored hit (an index lookup each; most versions have none)."""
    if ids is None:
        return None
    how, params = backend_of(conn).id_params(ids)
    wanted = Hit.version_id.in_(_JSON_IDS if how == "json" else _IDS)
    return list(conn.scalars(select(Hit.version_id).where(wanted).distinct(), params))


def _wanted(f: Filter) -> list[tuple[int, str]]:
    """The facet filters that are set, as (position in FACETS, wanted value)."""
    return [(i, value) for i, name in enumerate(FACETS) if (value := getattr(f, name))]


def failed(c: Candidate, f: Filter, wanted: list[tuple[int, str]] | None = None) -> list[int]:
    """Positions of the facet filters a candidate fails; -1 for the date range."""
    wanted = _wanted(f) if wanted is None else wanted
    found = [i for i, value in wanted if value not in c.values[i]]
    day = c.published_at
    if (f.date_from and (day is None or day < f.date_from)) or \
            (f.date_to and (day is None or day > f.date_to)):
        found.append(-1)
    return found


def facets(rows: list[Candidate], f: Filter) -> dict[str, list[tuple[str, int]]]:
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
        missed = failed(row, f, wanted) if wanted or f.date_from or f.date_to else []
        for i in every if not missed else missed if len(missed) == 1 and missed[0] >= 0 else ():
            found = counts[i]
            for value in row.values[i]:
                found[value] = found.get(value, 0) + 1
    return _sorted_counts(counts)


def _sorted_counts(counts: list[dict[str, int]]) -> dict[str, list[tuple[str, int]]]:
    """Each facet's values, most frequent first (then by value)."""
    return {name: sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
            for name, found in zip(FACETS, counts, strict=True)}
