"""What the banner over an archived copy states: when and where from it was captured, its
SHA-256, its screenshot and whether its run's manifest is timestamped."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import column, inspect, select, table
from sqlalchemy.orm import Session

from db.clock import utc_iso
from db.models import Capture, Version


@dataclass(frozen=True)
class CopyFacts:
    """The facts of a version's archived copy (its first capture)."""

    version_id: int
    document_id: int
    url: str
    captured_at: str
    sha256: str
    run_id: int | None
    screenshot_sha256: str | None = None
    timestamped: bool = False


def _has_table(session: Session, name: str) -> bool:
    """Whether the database has ``name`` (older databases lack the newer tables)."""
    return inspect(session.connection()).has_table(name)


def _screenshot(session: Session, version_id: int) -> str | None:
    """The SHA-256 of the version's newest successful screenshot, if any."""
    if not _has_table(session, "screenshots"):
        return None
    from db.screenshots import latest_for_versions

    found = latest_for_versions(session, [version_id]).get(version_id)
    return found.sha256 if found is not None else None


def _timestamped(session: Session, run_id: int | None) -> bool:
    """Whether the capture's run has a manifest with an RFC 3161 token (db/manifests.py)."""
    if run_id is None or not _has_table(session, "run_manifests"):
        return False
    manifests = table("run_manifests", column("run_id"), column("token"))
    query = select(manifests.c.run_id).where(manifests.c.run_id == run_id,
                                             manifests.c.token.is_not(None))
    return session.execute(query.limit(1)).first() is not None


def copy_facts(session: Session, version_id: int) -> CopyFacts | None:
    """The banner facts of a version's archived copy, or None without a stored copy."""
    row = session.execute(
        select(Capture.final_url, Capture.fetched_at, Capture.sha256, Capture.run_id,
               Version.document_id)
        .join(Version, Version.first_capture_id == Capture.id).where(Version.id == version_id)
    ).first()
    if row is None or not row.sha256:
        return None
    return CopyFacts(version_id=version_id, document_id=row.document_id, url=row.final_url,
                     captured_at=utc_iso(row.fetched_at) or "", sha256=row.sha256,
                     run_id=row.run_id, screenshot_sha256=_screenshot(session, version_id),
                     timestamped=_timestamped(session, row.run_id))
