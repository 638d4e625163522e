"""What a user reads after a crawl besides its counts: the pages it found already stored."""

from __future__ import annotations

from db.queries import RunSummary, SeenAgain


def seen_line(seen: SeenAgain) -> str:
    """'Seen again: …' — what the run found already stored, changed or gone ('' if nothing)."""
    if not (seen.already_stored or seen.unchanged or seen.changed or seen.removed):
        return ""
    return (f"Seen again: {seen.already_stored} already stored (seen again on their listings, "
            f"not fetched), {seen.unchanged} re-checked unchanged, {seen.changed} changed "
            f"(a new version), {seen.removed} removed")


def run_notes(summary: RunSummary) -> list[str]:
    """The lines printed under a run's counts."""
    return [line for line in (seen_line(summary.seen),) if line]
