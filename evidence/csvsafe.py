"""CSV cells that a spreadsheet shows as text, never runs as a formula (CSV injection).

A crawled page's title, a 来源 line or a review note is written by people we investigate or
by users; a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel, LibreOffice and Google Sheets. The OWASP rule: prefix such a cell with a
single quote and keep the rest. Every CSV the project writes goes through ``safe_cell``
(``evidence export``, ``hits``, ``review``, the desk's export, the evidence pack); JSON and
JSON Lines keep the text raw.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with a leading single quote when it is text that starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_rows(out: TextIO, fields: list[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """Write a header and dict rows (only ``fields``), every cell through ``safe_cell``."""
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([safe_cell(row.get(name)) for name in fields])


def write_lists(out: TextIO, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """Write a header and list rows, every cell through ``safe_cell``."""
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
