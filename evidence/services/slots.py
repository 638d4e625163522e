"""How a hit's transfer-event slots are shown: ``who=劳动力; move=输送, 转移``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def format_slots(slots: Mapping[str, Sequence[str]]) -> str:
    """The slots that fired as one short line, in the detector's order ('' when none)."""
    parts = []
    for name, values in slots.items():
        shown = ", ".join(v for v in values if v)
        parts.append(f"{name}={shown}" if shown else name)
    return "; ".join(parts)
