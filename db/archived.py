"""What the banner over an archived copy states: when and where from it was captured, its
SHA-256, its screenshot and whether it is timestamped: listed (its raw file, with its SHA-256)
in a manifest whose token covers that manifest's text, its signature checked against the
configured TSA certificates (or the demo CA for the demo's runs) where there are any
(db/stamp_check.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from db.clock import utc_iso
from db.manifests import parse_manifest
from db.models import Capture, RunManifest, Version
from db.stamp_check import NOT_STAMPED, RANK, Authorities, token_status


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
    timestamp: str = NOT_STAMPED  # the banner's words (db/stamp_check.py RANK)


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


def _timestamp(session: Session, sha256: str, raw_path: str | None,
               authorities: Authorities) -> str:
    """The strongest timestamp status among the manifests that list the capture's raw file."""
    if raw_path is None or not _has_table(session, "run_manifests"):
        return NOT_STAMPED
    found = [NOT_STAMPED]
    for row in session.scalars(select(RunManifest).where(RunManifest.body.contains(sha256))):
        entries, _ = parse_manifest(row.body)
        if any(e.sha256 == sha256 and e.path == raw_path for e in entries):
            found.append(token_status(session, row, authorities))
    return min(found, key=RANK.index)


def copy_facts(session: Session, version_id: int,
               authorities: Authorities | None = None) -> CopyFacts | None:
    """The banner facts of a version's archived copy, or None without a stored copy;
    ``authorities``: the certificates its timestamp token is checked against (none: not
    checked)."""
    row = session.execute(
        select(Capture.final_url, Capture.fetched_at, Capture.sha256, Capture.raw_path,
               Capture.run_id, Version.document_id)
        .join(Version, Version.first_capture_id == Capture.id).where(Version.id == version_id)
    ).first()
    if row is None or not row.sha256:
        return None
    return CopyFacts(version_id=version_id, document_id=row.document_id, url=row.final_url,
                     captured_at=utc_iso(row.fetched_at) or "", sha256=row.sha256,
                     run_id=row.run_id, screenshot_sha256=_screenshot(session, version_id),
                     timestamp=_timestamp(session, row.sha256, row.raw_path,
                                          authorities or Authorities(None, None)))
