"""Screenshots of stored captures: which pages to render, their stored bytes, the rows.

A rendering (evidence/services/render.py) reads a capture's bytes from the raw store, never the
web; its PNG and PDF go into the same content-addressed store, its row into ``screenshots``
(append-only, covered by the hash log) and its records (resource records referring to the
page's response record) into a WARC file:

- inside a crawl run (``crawl --render``, before the run is sealed), a page the run captured:
  that capture's own WARC file (``warc/run-<run>-<source>.warc.gz``), appended after its last
  record, when the file ends where its last known record ends (``known_ends``);
- else, within a crawl run, a WARC file named after the run (``warc/run-<run>-screenshots``):
  pages of older, sealed runs, whose files are not changed after their manifest;
- a standalone ``evidence render``: a WARC file of its own (``warc/render-<time>-<pid>``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.orm import Session

from db.models import Capture, Document, Hit, Screenshot, Source, Version
from db.rawstore import RawStore
from db.warc import Rendering, WarcRef, WarcSink

# response headers handed to the browser with stored bytes (the body is already decoded)
KEPT_HEADERS = ("content-type",)


@dataclass(frozen=True)
class RenderJob:
    """One stored capture to render: the first capture of a version."""

    capture_id: int
    document_id: int | None
    version_id: int | None
    url: str
    fetched_at: datetime
    sha256: str
    content_type: str | None
    warc_record_id: str | None
    run_id: int | None = None  # the run that captured it
    warc_file: str | None = None  # the WARC file of its response record


@dataclass(frozen=True)
class Outcome:
    """What a rendering gave: the images and facts, or the reason it failed."""

    job: RenderJob
    browser: str
    rendered_at: datetime
    duration_ms: int
    png: bytes | None = None
    pdf: bytes | None = None
    width: int | None = None
    height: int | None = None
    served: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()
    error: str | None = None


def jobs(session: Session, source: str | None = None, doc: int | None = None,
         pending: bool = True, retry_failed: bool = False) -> list[RenderJob]:
    """The versions' first captures to render: with ``pending``, those of versions with hits
    that have no screenshot row yet; with ``retry_failed``, those whose every rendering failed
    (either, with both); with neither, every version of the source or document."""
    query = (select(Capture, Version.id).join(Version, Version.first_capture_id == Capture.id)
             .where(Capture.sha256.is_not(None)).order_by(Capture.id))
    tried = select(Screenshot.id).where(Screenshot.capture_id == Capture.id).exists()
    wanted = []
    if pending:
        has_hit = select(Hit.id).where(Hit.version_id == Version.id).exists()
        wanted.append(and_(has_hit, ~tried))
    if retry_failed:
        ok = select(Screenshot.id).where(Screenshot.capture_id == Capture.id,
                                         Screenshot.status == "ok").exists()
        wanted.append(and_(tried, ~ok))
    if wanted:
        query = query.where(or_(*wanted))
    if source is not None:
        query = query.join(Source, Source.id == Capture.source_id).where(Source.slug == source)
    if doc is not None:
        query = query.where(Version.document_id == doc)
    return [_job(capture, version_id) for capture, version_id in session.execute(query)]


def _job(capture: Capture, version_id: int) -> RenderJob:
    assert capture.sha256 is not None
    return RenderJob(capture.id, capture.document_id, version_id, capture.final_url or capture.url,
                     capture.fetched_at, capture.sha256, capture.content_type,
                     capture.warc_record_id, capture.run_id, capture.warc_file)


def _headers(content_type: str | None) -> dict[str, str]:
    return {"Content-Type": content_type} if content_type else {}


class StoredAnswers:
    """Answer a browser's requests from stored captures only (one job's page first)."""

    def __init__(self, engine: Engine, store: RawStore, job: RenderJob) -> None:
        self.engine, self.store, self.job = engine, store, job

    def __call__(self, url: str) -> tuple[int, dict[str, str], bytes] | None:
        """(status, headers, body) of the stored response for ``url``, or None."""
        if url.split("#", 1)[0] == self.job.url:
            return 200, _headers(self.job.content_type), self.store.read(self.job.sha256)
        found = self._latest(url)
        if found is None or not self.store.path(found[0]).is_file():
            return None
        return 200, _headers(found[1]), self.store.read(found[0])

    def _latest(self, url: str) -> tuple[str, str | None] | None:
        query = (select(Capture.sha256, Capture.content_type)
                 .where((Capture.final_url == url) | (Capture.url == url),
                        Capture.sha256.is_not(None), Capture.http_status.between(200, 299))
                 .order_by(Capture.id.desc()).limit(1))
        with Session(self.engine) as session:
            row = session.execute(query).first()
        return (str(row[0]), row[1]) if row else None


def render_sink(data_dir: Path, started: datetime, run_id: int | None = None) -> WarcSink:
    """A WARC file of its own for one `evidence render` invocation, or (``run_id``) for the
    screenshots a crawl run renders that cannot go into their capture's own WARC file."""
    import os

    from db.warc import warcinfo_fields

    info = warcinfo_fields(run_id or 0, "render", "screenshots of stored captures")
    if run_id is None:
        info["isPartOf"] = "evidence render"
        stem = f"render-{started.astimezone(UTC):%Y%m%dT%H%M%SZ}-{os.getpid()}"
    else:
        stem = f"run-{run_id:05d}-screenshots"
    return WarcSink(data_dir, stem, info)


def known_ends(session: Session, run_id: int) -> dict[str, int]:
    """Each WARC file of a run -> where its last record known to the database ends (captures'
    request and response records, screenshots' records appended to it)."""
    captured = (select(Capture.warc_file, func.max(Capture.warc_offset + Capture.warc_length))
                .where(Capture.run_id == run_id, Capture.warc_file.is_not(None))
                .group_by(Capture.warc_file))
    ends = {str(name): int(end or 0) for name, end in session.execute(captured)}
    rendered = (select(Screenshot.warc_file,
                       func.max(Screenshot.warc_offset + Screenshot.warc_length))
                .where(Screenshot.warc_file.in_(list(ends))).group_by(Screenshot.warc_file))
    for name, end in session.execute(rendered):
        ends[str(name)] = max(int(end or 0), ends[str(name)])
    return ends


def _archive(sink: WarcSink, outcome: Outcome) -> WarcRef | None:
    job = outcome.job
    if outcome.png is None:
        return None
    fields = {"software": outcome.browser, "rendered-from": f"sha256:{job.sha256}",
              "served": " ".join(outcome.served), "blocked": " ".join(outcome.blocked)}
    return sink.write_rendering(Rendering(job.url, job.warc_record_id, job.fetched_at,
                                          outcome.rendered_at, outcome.png, outcome.pdf, fields))


def record(session: Session, store: RawStore, sink: WarcSink, outcome: Outcome) -> Screenshot:
    """Store a rendering's files and WARC records and add its row (the caller commits)."""
    job = outcome.job
    row = Screenshot(capture_id=job.capture_id, document_id=job.document_id,
                     version_id=job.version_id, browser=outcome.browser[:100],
                     rendered_at=outcome.rendered_at, duration_ms=outcome.duration_ms,
                     served=json.dumps(list(outcome.served)),
                     blocked=json.dumps(list(outcome.blocked)),
                     status="failed" if outcome.png is None else "ok", error=outcome.error)
    if outcome.png is not None:
        row.sha256, row.raw_path = store.put(outcome.png)
        row.size, row.width, row.height = len(outcome.png), outcome.width, outcome.height
        if outcome.pdf is not None:
            row.pdf_sha256, row.pdf_path = store.put(outcome.pdf)
        ref = _archive(sink, outcome)
        if ref is not None:
            sink.sync()
            row.warc_file, row.warc_record_id = ref.file, ref.record_id
            row.warc_offset, row.warc_length = ref.offset, ref.length
    session.add(row)
    return row


@dataclass(frozen=True)
class ShotFacts:
    """A screenshot as a citation or pack names it."""

    sha256: str
    raw_path: str
    pdf_sha256: str | None
    pdf_path: str | None
    browser: str
    rendered_at: datetime
    warc_file: str | None
    warc_record_id: str | None
    warc_offset: int | None
    warc_length: int | None

    @property
    def file(self) -> str:
        """Its name in an evidence pack."""
        return f"screenshots/{self.sha256}.png"


def shot_facts(session: Session, version_id: int) -> ShotFacts | None:
    """The newest successful screenshot of a version, or None."""
    shot = latest_for_versions(session, [version_id]).get(version_id)
    if shot is None or shot.sha256 is None or shot.raw_path is None:
        return None
    return ShotFacts(shot.sha256, shot.raw_path, shot.pdf_sha256, shot.pdf_path, shot.browser,
                     shot.rendered_at, shot.warc_file, shot.warc_record_id, shot.warc_offset,
                     shot.warc_length)


def latest_for_document(session: Session, document_id: int) -> Screenshot | None:
    """The newest successful screenshot of a document's newest rendered version."""
    query = (select(Screenshot).where(Screenshot.document_id == document_id,
                                      Screenshot.status == "ok")
             .order_by(Screenshot.version_id.desc(), Screenshot.id.desc()).limit(1))
    return session.scalars(query).first()


def latest_for_versions(session: Session, version_ids: list[int]) -> dict[int, Screenshot]:
    """version id -> its newest successful screenshot."""
    if not version_ids:
        return {}
    query = (select(Screenshot).where(Screenshot.version_id.in_(version_ids),
                                      Screenshot.status == "ok").order_by(Screenshot.id))
    return {s.version_id: s for s in session.scalars(query) if s.version_id is not None}


def document_exists(session: Session, document_id: int) -> bool:
    """Whether a document id is stored."""
    return session.get(Document, document_id) is not None

