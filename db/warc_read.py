"""Reading WARC files back: every record with its digests checked, torn members found."""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator


def digest_hex(value: str | None) -> str | None:
    """Return the hex SHA-256 of a ``sha256:<base32>`` WARC digest, else None."""
    if not value or not value.lower().startswith("sha256:"):
        return None
    try:
        return base64.b32decode(value.split(":", 1)[1].strip().upper()).hex()
    except ValueError:
        return None



@dataclass(frozen=True)
class RecordFacts:
    """What a WARC record says about itself, and whether its digests hold."""

    offset: int
    length: int
    rec_type: str
    record_id: str
    target_uri: str | None
    payload_digest: str | None
    payload_sha256: str
    digest_problems: tuple[str, ...]


@dataclass
class WarcScan:
    """Every readable record of a WARC file, and why reading stopped early (if it did)."""

    records: list[RecordFacts] = field(default_factory=list)
    error: str | None = None
    error_offset: int | None = None


def _facts(record: Any, iterator: ArchiveIterator) -> RecordFacts:
    digest = hashlib.sha256()
    while chunk := record.raw_stream.read(65536):
        digest.update(chunk)
    headers = record.rec_headers
    checker = record.digest_checker
    return RecordFacts(
        offset=iterator.get_record_offset(), length=iterator.get_record_length(),
        rec_type=str(record.rec_type), record_id=str(headers.get_header("WARC-Record-ID")),
        target_uri=headers.get_header("WARC-Target-URI"),
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        payload_sha256=digest.hexdigest(),
        digest_problems=tuple(checker.problems) if checker.passed is False else (),
    )


def iter_records(stream: BinaryIO) -> Iterator[tuple[RecordFacts | None, str | None]]:
    """Yield (facts, None) per record, then (None, error) if the stream ends in a bad record."""
    iterator = ArchiveIterator(stream, check_digests=True)
    try:
        for record in iterator:
            yield _facts(record, iterator), None
    except Exception as exc:  # noqa: BLE001 - warcio raises many types on torn gzip/headers
        yield None, f"{type(exc).__name__}: {exc}".strip()


def torn_member_offset(path: Path) -> int | None:
    """Return the offset of an incomplete (cut-off) gzip member, or None if all are whole.

    warcio reads a member cut inside its deflate stream or trailer without complaint, so the
    members are walked with zlib to see that each one reaches its end.
    """
    start, fed, pending = 0, 0, b""
    inflater = zlib.decompressobj(wbits=31)
    with open(path, "rb") as stream:
        while chunk := pending or stream.read(1 << 20):
            pending = b""
            try:
                inflater.decompress(chunk)
            except zlib.error:
                return start
            if inflater.eof:
                pending = inflater.unused_data
                start, fed = start + fed + len(chunk) - len(pending), 0
                inflater = zlib.decompressobj(wbits=31)
            else:
                fed += len(chunk)
    return start if fed else None


def scan_file(path: Path) -> WarcScan:
    """Read a whole WARC file, checking digests; a torn last record is reported, not raised."""
    scan = WarcScan()
    with open(path, "rb") as stream:
        for facts, error in iter_records(stream):
            if facts is not None:
                scan.records.append(facts)
            else:
                scan.error = error
                last = scan.records[-1] if scan.records else None
                scan.error_offset = last.offset + last.length if last else 0
    torn = torn_member_offset(path)
    if torn is not None:
        scan.records = [r for r in scan.records if r.offset < torn]
        scan.error, scan.error_offset = "incomplete record (file ends inside it)", torn
    return scan


def read_span(path: Path, offset: int, length: int) -> bytes:
    """Return ``length`` bytes of a WARC file from ``offset`` (whole gzip members)."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        return stream.read(length)
