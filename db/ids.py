"""Row ids as users type them: ASCII digits within the id columns' range (PostgreSQL integer)."""

from __future__ import annotations

MAX_ID = 2**31 - 1


def record_id(value: str | int | None) -> int | None:
    """A row id from a URL, form or command line (ASCII digits, at most MAX_ID); else None."""
    text = str(value) if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    return int(text) if int(text) <= MAX_ID else None
