"""WARC files of crawl runs (warcio): one response + request record per fetch, append-only.

Layout: ``<data-dir>/warc/run-<run>-<source>.warc.gz``, one file per (run, source) because each
source's store stage writes on its own thread; a rendering inside the run appends its
screenshots' records to it before the run is sealed (``WarcSink.appending``,
db/screenshots.py). Every record is its own gzip member and a fetch's two records are appended
with one ``write``; a failed write is cut back to the previous end, so a full disk or a kill can
only leave an incomplete *last* record, never damage earlier ones.

Digests are SHA-256 (``WARC-Payload-Digest: sha256:<base32>``) so the payload digest is the
capture's ``sha256`` in another spelling. The HTTP headers are the ones the server sent, as
Scrapy hands them over; the body is the one Scrapy hands over too, i.e. after it undid any
``Content-Encoding``. When that makes ``Content-Length`` disagree with the body (or a
``Transfer-Encoding`` header survived), the header is kept renamed ``X-Evidence-Original-…`` and a
true ``Content-Length`` is added, so that WARC readers frame the payload correctly.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from db.clock import utc_iso

WARC_DIR = "warc"
ORIGINAL_PREFIX = "X-Evidence-Original-"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WarcFetch:
    """What one HTTP exchange needs to become a request + response record pair."""

    url: str
    fetched_at: datetime
    status: int
    headers: Mapping[str, Sequence[str]]
    body: bytes
    method: str = "GET"
    request_headers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    protocol: str | None = None


@dataclass(frozen=True)
class WarcRef:
    """Where a fetch's records are: data-dir-relative file, response record id, byte span."""

    file: str
    record_id: str
    offset: int
    length: int


# warcio ships no type hints: WARCWriter is Any to mypy, and subclassing Any is refused
class _Sha256Writer(WARCWriter):  # type: ignore[misc]
    """warcio's writer with SHA-256 block and payload digests instead of SHA-1."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def payload_digest(body: bytes) -> str:
    """Return the WARC-Payload-Digest value of ``body`` (``sha256:`` + base32)."""
    return "sha256:" + base64.b32encode(hashlib.sha256(body).digest()).decode("ascii")


def warc_date(value: datetime) -> str:
    """Return a WARC-Date (UTC, second precision, ``Z``)."""
    return utc_iso(value)


def framed_headers(headers: Mapping[str, Sequence[str]], body: bytes) -> list[tuple[str, str]]:
    """Return header pairs in order, renaming framing headers that no longer fit ``body``."""
    pairs = [(name, value) for name, values in headers.items() for value in values]
    lengths = [v for n, v in pairs if n.lower() == "content-length"]
    stale = bool(lengths) and lengths != [str(len(body))]
    out: list[tuple[str, str]] = []
    for name, value in pairs:
        lower = name.lower()
        if lower == "transfer-encoding" or (lower == "content-length" and stale):
            out.append((ORIGINAL_PREFIX + name, value))
        else:
            out.append((name, value))
    if stale or not lengths:
        out.append(("Content-Length", str(len(body))))
    return out


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _request_headers(fetch: WarcFetch) -> StatusAndHeaders:
    parts = urlsplit(fetch.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pairs = [(n, v) for n, values in fetch.request_headers.items() for v in values]
    if not any(n.lower() == "host" for n, _ in pairs):
        pairs.insert(0, ("Host", parts.netloc))
    protocol = fetch.protocol or "HTTP/1.1"
    return StatusAndHeaders(f"{fetch.method} {target} {protocol}", pairs, is_http_request=True)


def record_pair(fetch: WarcFetch) -> tuple[bytes, str]:
    """Return the gzip bytes of a response and a request record, and the response's id."""
    out = io.BytesIO()
    writer = _Sha256Writer(out, gzip=True)
    date = warc_date(fetch.fetched_at)
    http = StatusAndHeaders(_status_line(fetch.status), framed_headers(fetch.headers, fetch.body),
                            protocol=fetch.protocol or "HTTP/1.1")
    response = writer.create_warc_record(
        fetch.url, "response", payload=io.BytesIO(fetch.body), length=len(fetch.body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date, "WARC-Payload-Digest": payload_digest(fetch.body)},
    )
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    request = writer.create_warc_record(
        fetch.url, "request", http_headers=_request_headers(fetch),
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
    )
    writer.write_record(response)
    writer.write_record(request)
    return out.getvalue(), str(response_id)


@dataclass(frozen=True)
class Rendering:
    """A rendering of a stored response (PNG, optional PDF) to append as resource records."""

    page_url: str
    response_id: str | None  # the page's response record (None: the capture has no WARC)
    captured_at: datetime
    rendered_at: datetime
    png: bytes
    pdf: bytes | None
    fields: Mapping[str, str] = field(default_factory=dict)


def _resource(writer: WARCWriter, uri: str, kind: str, body: bytes, date: str,
              links: Mapping[str, str]) -> Any:
    headers = {"WARC-Date": date, "WARC-Payload-Digest": payload_digest(body), **links}
    return writer.create_warc_record(uri, "resource", payload=io.BytesIO(body),
                                     length=len(body), warc_content_type=kind,
                                     warc_headers_dict=headers)


def rendering_records(item: Rendering) -> tuple[bytes, str]:
    """Return the gzip bytes of the PNG (and PDF) resource records and a metadata record, all
    referring to the page's response record; and the PNG record's id."""
    out = io.BytesIO()
    writer = _Sha256Writer(out, gzip=True)
    date = warc_date(item.rendered_at)
    links = {"WARC-Refers-To-Target-URI": item.page_url,
             "WARC-Refers-To-Date": warc_date(item.captured_at)}
    if item.response_id:
        links["WARC-Refers-To"] = item.response_id
    png = _resource(writer, f"urn:screenshot:{item.page_url}", "image/png", item.png, date, links)
    png_id = str(png.rec_headers.get_header("WARC-Record-ID"))
    records = [png]
    if item.pdf is not None:
        records.append(_resource(writer, f"urn:pdf:{item.page_url}", "application/pdf",
                                 item.pdf, date, {**links, "WARC-Concurrent-To": png_id}))
    if item.fields:
        records.append(writer.create_warc_record(
            f"urn:screenshot:{item.page_url}", "metadata",
            payload=io.BytesIO(_warc_fields(item.fields)),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": png_id, **links}))
    for record in records:
        writer.write_record(record)
    return out.getvalue(), png_id


def _warc_fields(fields: Mapping[str, str]) -> bytes:
    return "".join(f"{k}: {' '.join(v.split())}\r\n" for k, v in fields.items()).encode()


def warcinfo_fields(run_id: int, slug: str, publisher: str) -> dict[str, str]:
    """Return the warcinfo fields of one (run, source) WARC file."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("evidence-pipeline")
    except PackageNotFoundError:
        ours = "unknown"
    return {
        "software": f"evidence-pipeline/{ours} warcio/{version('warcio')}",
        "format": "WARC File Format 1.0",
        "conformsTo": "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf",
        "isPartOf": f"evidence crawl run {run_id}",
        "description": f"source {slug}: {publisher}",
    }


def warcinfo_record(filename: str, info: Mapping[str, str]) -> bytes:
    """Return the gzip bytes of a warcinfo record describing the crawl."""
    out = io.BytesIO()
    writer = _Sha256Writer(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record(filename, dict(info)))
    return out.getvalue()


class WarcSink:
    """Append fetches to one WARC file, opened on first use; one thread only."""

    def __init__(self, data_dir: Path, stem: str, info: Mapping[str, str]) -> None:
        self.data_dir = Path(data_dir)
        self.stem = stem
        self.info = dict(info)
        self.relpath: str | None = None
        self._handle: BinaryIO | None = None
        self._existing: str | None = None

    @classmethod
    def appending(cls, data_dir: Path, relpath: str) -> WarcSink:
        """A sink that appends to the existing WARC file ``relpath`` (no second warcinfo); the
        caller has made sure that the file ends with a whole record and that no one else
        writes to it."""
        sink = cls(data_dir, Path(relpath).name.removesuffix(".warc.gz"), {})
        sink._existing = relpath
        return sink

    def _open(self) -> BinaryIO:
        if self._handle is None and self._existing is not None:
            # unbuffered, appending: a failed write is cut back to the end it found
            self._handle = open(self.data_dir / self._existing, "ab", buffering=0)  # noqa: SIM115
            self.relpath = self._existing
        if self._handle is None:
            folder = self.data_dir / WARC_DIR
            folder.mkdir(parents=True, exist_ok=True)
            path, n = folder / f"{self.stem}.warc.gz", 1
            while path.exists():  # never append to another writer's file
                n += 1
                path = folder / f"{self.stem}-{n}.warc.gz"
            # unbuffered: a failed write must not linger in a buffer to be flushed later
            self._handle = open(path, "xb", buffering=0)  # noqa: SIM115 - closed by close()
            self.relpath = f"{WARC_DIR}/{path.name}"
            self._append(warcinfo_record(path.name, self.info))
        return self._handle

    def _append(self, data: bytes) -> int:
        """Append ``data`` whole or not at all; return its offset."""
        assert self._handle is not None
        start = self._handle.tell()
        view, done = memoryview(data), 0
        try:
            while done < len(data):  # an unbuffered write may be short (disk nearly full)
                written = self._handle.write(view[done:])
                if not written:
                    raise OSError(f"no progress writing {self.relpath}")
                done += written
        except OSError:
            self._handle.truncate(start)
            self._handle.seek(start)
            raise
        return start

    def write(self, fetch: WarcFetch) -> WarcRef | None:
        """Append a fetch's records; on a write error log it and return None (nothing torn)."""
        try:
            handle = self._open()
            data, record_id = record_pair(fetch)
            offset = self._append(data)
        except OSError as exc:
            logger.error("WARC write failed for %s: %s", fetch.url, exc)
            return None
        assert self.relpath is not None and handle is not None
        return WarcRef(self.relpath, record_id, offset, len(data))

    def write_rendering(self, item: Rendering) -> WarcRef | None:
        """Append a rendering's records; on a write error log it and return None."""
        try:
            self._open()
            data, record_id = rendering_records(item)
            offset = self._append(data)
        except OSError as exc:
            logger.error("WARC write failed for the rendering of %s: %s", item.page_url, exc)
            return None
        assert self.relpath is not None
        return WarcRef(self.relpath, record_id, offset, len(data))

    def sync(self) -> None:
        """Make the appended records durable (before the database commit refers to them)."""
        if self._handle is not None:
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        """Sync and close the file."""
        if self._handle is not None:
            self.sync()
            self._handle.close()
            self._handle = None
