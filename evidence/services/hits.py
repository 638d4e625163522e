"""Stored hits read for the command line: found by a filter, all of them, one in context or
cited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from evidence.services.database import database_session
from evidence.services.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db.filters import Filter
    from db.hits import HitView


def find(db: str | None, wanted: Filter) -> list[HitView]:
    """The hits of the database ``db`` that ``wanted`` lets through."""
    from db.hits import find_hits

    with database_session(db) as session:
        return find_hits(session, wanted)


@contextmanager
def all_hits(db: str | None) -> Iterator[Iterator[HitView]]:
    """Every hit of the database ``db``, read while the block runs."""
    from db.hits import iter_hits

    with database_session(db) as session:
        yield iter_hits(session)


def known_hit(session: Session, hit_id: int) -> HitView:
    """The hit ``hit_id``; a UserError when there is none."""
    from db.hits import get_hit

    hit = get_hit(session, hit_id)
    if hit is None:
        raise UserError(f"no hit with id {hit_id}")
    return hit


def in_context(db: str | None, hit_id: int) -> tuple[HitView, str, str]:
    """A hit, the text it was found in and its full citation."""
    from db.hits import hit_text
    from evidence.services.cite import full_citation

    with database_session(db) as session:
        hit = known_hit(session, hit_id)
        text = hit_text(session, hit)  # the crawl's text, or the re-extraction it came from
        return hit, text, full_citation(session, hit)


def cite_hit(db: str | None, hit_id: int, style: str) -> str:
    """The citation of hit ``hit_id`` of the database ``db`` in ``style``."""
    from db.citations import citation_facts
    from evidence.services.cite import cite

    with database_session(db) as session:
        facts = citation_facts(session, known_hit(session, hit_id))
    return cite(facts, style)
