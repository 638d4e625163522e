"""Argument types shared by the commands."""

from __future__ import annotations

import argparse
from datetime import date

from db.ids import MAX_ID, record_id


def row_id(text: str) -> int:
    """An id argument: a whole number from 0 to MAX_ID, else a usage error (exit 2)."""
    value = record_id(text.strip())
    if value is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an id (a whole number up to {MAX_ID})")
    return value


def iso_date(value: str) -> date:
    """A date argument, YYYY-MM-DD, else a usage error (exit 2)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None
