"""Full-text search as the command line and the desk run it.

The rule every search obeys: words to look for, or a deliberate listing of a filtered set. An
empty query would match every document: in the command line that is almost always a
mistake (an unset shell variable, a stray pair of quotes), so it is refused unless ``--all``
asks for it together with at least one filter. In the desk a chosen facet is that choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from db.filters import Filter
from db.search import FACETS
from evidence.services.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db.hits import HitView
    from db.search import SearchPage

CLI_FILTERS = "--source, --kind, --from, --to, --language or --flagged"


def is_filtered(wanted: Filter) -> bool:
    """Whether a search narrows the documents by a facet or a date, not only by its words."""
    return any(getattr(wanted, name) for name in FACETS) or bool(
        wanted.date_from or wanted.date_to)


def lists_everything(wanted: Filter) -> bool:
    """Whether a search has neither words nor a filter, so it would list every document."""
    return not wanted.query.strip() and not is_filtered(wanted)


def check_query(wanted: Filter, list_all: bool) -> None:
    """Refuse an empty query unless ``list_all`` is asked for together with a filter."""
    if wanted.query.strip():
        return
    if not list_all:
        raise UserError("empty search query: give words to search for, or pass --all with a "
                        f"filter ({CLI_FILTERS}) to list the documents it matches")
    if not is_filtered(wanted):
        raise UserError(f"--all with an empty query needs at least one filter ({CLI_FILTERS}); "
                        "it does not list every document")


@dataclass(frozen=True)
class IndexRefresh:
    """What bringing the full-text index up to date did: versions added, or why it could not."""

    added: int = 0
    error: str | None = None


def refresh_index(session: Session) -> IndexRefresh:
    """Bring the full-text index up to date (a read-only database is searched as it is)."""
    from sqlalchemy.exc import OperationalError

    from db.search import sync_index

    try:
        return IndexRefresh(added=sync_index(session))
    except OperationalError as exc:
        session.rollback()
        return IndexRefresh(error=str(exc.orig))


def search_documents(db: str | None, wanted: Filter) -> tuple[IndexRefresh, SearchPage]:
    """Index what the index lacks, then search the database ``db``."""
    from db.search import search
    from evidence.services.database import database_session

    with database_session(db) as session:
        refreshed = refresh_index(session)
        return refreshed, search(session, wanted)


def hits_by_version(session: Session, version_ids: list[int]) -> dict[int, list[HitView]]:
    """The current hits of each of these versions."""
    from db.filters import Filter
    from db.hits import find_hits

    found: dict[int, list[HitView]] = {}
    if version_ids:
        for hit in find_hits(session, Filter(version_ids=tuple(version_ids))):
            found.setdefault(hit.version_id, []).append(hit)
    return found
