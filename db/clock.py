"""Times as the database and its readers spell them: UTC, to the second."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


@overload
def utc_iso(value: datetime) -> str: ...
@overload
def utc_iso(value: datetime | None) -> str | None: ...
def utc_iso(value: datetime | None) -> str | None:
    """Return ``value`` as ``YYYY-MM-DDTHH:MM:SSZ`` (naive values are UTC), or None."""
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)
