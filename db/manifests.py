"""Manifests: the SHA-256 and size of every file a crawl run or a render session stored, and
their timestamps.

A manifest is plain text, one line per file, sorted by path, under a header line::

    # evidence-pipeline run manifest v1 (run 5): SHA-256, bytes, path in the data folder
    3f1c…  20411  sha256/3f/1c/3f1c…
    9a0b…  81733  warc/run-00005-demo-gov.warc.gz

A run's manifest lists the raw capture files of the run's captures, the run's WARC files and
the screenshots of its captures rendered by then (``screenshot_paths``: PNG, PDF and the WARC
file of their resource records), plus every file a rendering inside the run wrote
(``evidence crawl --render`` and the demo render before the manifest is built). A standalone
``evidence render`` seals a *render manifest* of its own (``run_id`` NULL, headed
``render manifest``): the PNG and PDF files and the render WARC file it wrote. Screenshots that
no manifest lists (a render killed before it sealed, or made before render manifests) are
``unlisted_screenshots``; ``evidence timestamp --pending`` seals them in a render manifest.

A WARC file is append-only: a later append leaves the first ``bytes`` the manifest names
unchanged, so a file is checked over that prefix; only WARC files may have grown. The RFC 3161
token of a manifest (``run_manifests.token``, the TSA's whole TimeStampResp, DER) covers the
SHA-256 of the manifest's UTF-8 text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.clock import utcnow
from db.models import Base, Capture, CrawlRun, RunManifest, Screenshot

VERSION = 1
HEADER = ("# evidence-pipeline run manifest v{version} (run {run}): SHA-256, bytes, "
          "path in the data folder")
RENDER_HEADER = ("# evidence-pipeline render manifest v{version} ({what}): SHA-256, bytes, "
                 "path in the data folder")
CHUNK = 1 << 20
GROWS = ("warc/",)  # append-only files: checked over the prefix the manifest names


@dataclass(frozen=True)
class Entry:
    """One file of a manifest."""

    sha256: str
    size: int
    path: str  # relative to the data folder

    @property
    def may_grow(self) -> bool:
        """Whether the file is append-only (a WARC file), so only its prefix is covered."""
        return self.path.startswith(GROWS)


def prefix_sha256(path: Path, size: int | None = None) -> tuple[str, int]:
    """The SHA-256 of a file's first ``size`` bytes (all without ``size``) and its full size."""
    digest, left = hashlib.sha256(), size
    with path.open("rb") as handle:
        while left is None or left > 0:
            chunk = handle.read(CHUNK if left is None else min(CHUNK, left))
            if not chunk:
                break
            digest.update(chunk)
            left = None if left is None else left - len(chunk)
    return digest.hexdigest(), path.stat().st_size


def screenshot_paths(session: Session, run_id: int) -> list[str]:
    """The stored screenshot files (PNG, PDF, their WARC file) of the run's captures, where a
    ``screenshots`` table exists (renderings made after the manifest are not in it)."""
    table = Base.metadata.tables.get("screenshots")
    if table is None:
        return []
    query = (select(table.c.raw_path, table.c.pdf_path, table.c.warc_file)
             .join(Capture, Capture.id == table.c.capture_id).where(Capture.run_id == run_id))
    return [path for row in session.execute(query) for path in row if path]


def run_paths(session: Session, run_id: int) -> list[str]:
    """Every file the run stored: raw captures, WARC files, screenshots; sorted, once each."""
    query = select(Capture.raw_path, Capture.warc_file).where(Capture.run_id == run_id)
    paths = {path for row in session.execute(query) for path in row if path}
    return sorted(paths | set(screenshot_paths(session, run_id)))


def build_manifest(session: Session, data_dir: Path, run_id: int,
                   extra: Iterable[str] = ()) -> tuple[str, list[str]]:
    """The manifest text of a run (with ``extra`` files: those a rendering inside the run
    wrote), and the files it could not read (left out, named)."""
    paths = sorted(set(run_paths(session, run_id)) | set(extra))
    return manifest_text(data_dir, HEADER.format(version=VERSION, run=run_id), paths)


def build_render_manifest(data_dir: Path, what: str,
                          paths: Iterable[str]) -> tuple[str, list[str]]:
    """The manifest text of a render session's files (``what``: which session), and the files
    it could not read."""
    header = RENDER_HEADER.format(version=VERSION, what=what)
    return manifest_text(data_dir, header, sorted(set(paths)))


def manifest_text(data_dir: Path, header: str, paths: list[str]) -> tuple[str, list[str]]:
    """A manifest of ``paths`` (sorted) under ``header``, and the files it could not read."""
    lines, unreadable = [header], []
    for path in paths:
        try:
            digest, size = prefix_sha256(data_dir / path)
        except OSError as exc:
            unreadable.append(f"{path}: {exc.strerror or exc}")
            continue
        lines.append(f"{digest}  {size}  {path}")
    return "\n".join(lines) + "\n", unreadable


def parse_manifest(body: str) -> tuple[list[Entry], list[str]]:
    """The entries of a manifest text, and its malformed lines (named by number)."""
    entries, bad = [], []
    for number, line in enumerate(body.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        parts = line.split("  ", 2)
        if len(parts) != 3 or len(parts[0]) != 64 or not parts[1].isdigit():
            bad.append(f"line {number}: “{line[:80]}”")
            continue
        entries.append(Entry(parts[0], int(parts[1]), parts[2]))
    return entries, bad


def text_sha256(body: str) -> str:
    """The SHA-256 of a manifest's UTF-8 text: what its timestamp token covers."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def subject(row: RunManifest) -> str:
    """What a manifest covers, as verify and `evidence timestamp` name it."""
    return f"run {row.run_id}" if row.run_id is not None else f"render session {row.id}"


def save_manifest(session: Session, run_id: int | None, body: str) -> RunManifest:
    """Store a run's manifest, or a render session's (``run_id`` None); not yet timestamped."""
    row = RunManifest(run_id=run_id, created_at=utcnow(), body=body, sha256=text_sha256(body),
                      entries=len(parse_manifest(body)[0]))
    session.add(row)
    session.flush()
    return row


def manifest_for_run(session: Session, run_id: int) -> RunManifest | None:
    """A run's manifest, if it has one."""
    return session.scalar(select(RunManifest).where(RunManifest.run_id == run_id))


ORDER = (RunManifest.run_id.is_(None), RunManifest.run_id, RunManifest.id)


def all_manifests(session: Session) -> list[RunManifest]:
    """Every manifest: runs' by run, then render sessions' in order."""
    return list(session.scalars(select(RunManifest).order_by(*ORDER)))


def runs_without_manifest(session: Session) -> list[int]:
    """Ended runs that have no manifest (crawled by `scrapy crawl`, or before manifests)."""
    has = select(RunManifest.run_id)
    return list(session.scalars(select(CrawlRun.id).where(
        CrawlRun.status != "running", CrawlRun.id.not_in(has)).order_by(CrawlRun.id)))


def unstamped(session: Session) -> list[RunManifest]:
    """The manifests without a timestamp token, in all_manifests' order."""
    return list(session.scalars(select(RunManifest).where(RunManifest.token.is_(None))
                                .order_by(*ORDER)))


def listed_sizes(session: Session) -> dict[str, int]:
    """Every path some manifest lists -> the largest size listed (a WARC file may grow)."""
    sizes: dict[str, int] = {}
    for body in session.scalars(select(RunManifest.body)):
        for entry in parse_manifest(body)[0]:
            sizes[entry.path] = max(entry.size, sizes.get(entry.path, 0))
    return sizes


def unlisted_screenshots(session: Session) -> tuple[int, list[str]]:
    """How many successful screenshots no manifest covers (their PNG, PDF or WARC records
    listed by none), and their files."""
    listed, count, files = listed_sizes(session), 0, set()
    query = select(Screenshot.raw_path, Screenshot.pdf_path, Screenshot.warc_file,
                   Screenshot.warc_offset, Screenshot.warc_length).where(Screenshot.status == "ok")
    for png, pdf, warc, offset, length in session.execute(query):
        missing = {path for path in (png, pdf) if path and path not in listed}
        if warc and listed.get(warc, -1) < (offset or 0) + (length or 0):
            missing.add(warc)
        count += bool(missing)
        files |= missing
    return count, sorted(files)


def record_token(row: RunManifest, token: bytes, tsa_url: str, gen_time: datetime) -> None:
    """Keep a manifest's timestamp token (the TSA's reply), where it came from and its time."""
    row.token, row.tsa_url, row.stamped_at, row.stamp_error = token, tsa_url, gen_time, None


def record_failure(row: RunManifest, tsa_url: str | None, error: str) -> None:
    """Note why a manifest is not timestamped (no TSA configured, the TSA unreachable …)."""
    row.tsa_url, row.stamp_error = tsa_url, error[:1000]
