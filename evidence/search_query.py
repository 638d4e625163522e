"""The rule every search obeys: words to look for, or a deliberate listing of a filtered set.

An empty query would match every document: in the command line that is almost always a
mistake (an unset shell variable, a stray pair of quotes), so it is refused unless ``--all``
asks for it together with at least one filter. In the desk a chosen facet is that choice.
"""

from __future__ import annotations

from db.filters import Filter
from db.search import FACETS
from evidence.errors import UserError

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
