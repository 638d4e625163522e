"""What a user reads after a crawl besides its counts: the pages it found already stored, and
a warning when one publisher's identical pages are stored under a second host or port."""

from __future__ import annotations

from db.duplicates import HostDuplicate
from db.queries import RunSummary, SeenAgain


def seen_line(seen: SeenAgain) -> str:
    """'Seen again: …' — what the run found already stored, changed or gone ('' if nothing)."""
    if not (seen.already_stored or seen.unchanged or seen.changed or seen.removed):
        return ""
    return (f"Seen again: {seen.already_stored} already stored (seen again on their listings, "
            f"not fetched), {seen.unchanged} re-checked unchanged, {seen.changed} changed "
            f"(a new version), {seen.removed} removed")


def duplicate_warning(found: HostDuplicate) -> str:
    """'WARNING: …' naming a publisher whose identical pages are stored under several origins."""
    pages = "page" if found.bodies == 1 else "pages"
    return (f"WARNING: {found.publisher}: {found.bodies} identical {pages} (same SHA-256) stored "
            f"under {len(found.origins)} hosts or ports ({', '.join(found.origins)}), e.g. "
            f"{' and '.join(found.example)}: the same evidence is stored twice. A source names a "
            "second host or port, or the site moved: check its start_urls.")


def run_notes(summary: RunSummary) -> list[str]:
    """The lines printed under a run's counts."""
    lines = [seen_line(summary.seen), *map(duplicate_warning, summary.duplicates)]
    return [line for line in lines if line]
