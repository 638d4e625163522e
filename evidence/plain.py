"""Stored text shown through Rich exactly as it is, never read as markup.

Titles, sentences, 来源 lines and review notes come from the pages we investigate and from
users; a ``[/bold]`` in one of them, given to Rich as a markup string, raises MarkupError and
stops the whole listing. Table cells go in as ``Text`` objects (``add_row``); lines that mix our
own markup with stored text escape the stored parts (``rich.markup.escape``) or are Text.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text


def cell(value: object) -> Text:
    """A table cell showing ``value`` literally (None: empty)."""
    return Text("" if value is None else str(value))


def add_row(table: Table, *values: object) -> None:
    """Add a row whose cells show their values literally."""
    table.add_row(*(cell(value) for value in values))


def console(piped_width: int | None = 200) -> Console:
    """Return a console for tables: terminal width, or ``piped_width`` when output is piped
    (None: Rich's own default)."""
    return Console(highlight=False, emoji=False, soft_wrap=True,
                   width=None if sys.stdout.isatty() else piped_width)
