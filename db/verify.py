"""Check that the stored evidence still is what was collected: raw bytes, hits, WARC records.

- every raw capture file exists and still hashes to its name and its capture rows;
- every hit's offsets cut exactly its quoted sentence out of the text it was found in (its
  version's stored text, or the re-extraction it names), and every re-extracted text still
  hashes to its stored SHA-256;
- every capture's WARC record is where the row says, has its record id and URL, and its payload
  digest and bytes match the capture's SHA-256; every WARC file reads to its end.
A WARC file that ends in an incomplete record (a crawl killed or a disk filled while writing) is
a *warning* when no capture refers to that record, and a problem when one does.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.models import Capture, Extraction, Hit, Version
from db.rawstore import sha256_hex
from db.warc import WARC_DIR, RecordFacts, WarcScan, digest_hex, scan_file

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class Finding:
    """One mismatch (or warning), naming the file, hit or capture concerned."""

    check: str  # raw | hit | text | warc
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.subject}: {self.detail}"


@dataclass
class VerifyReport:
    """The outcome of a verification: problems make it fail, warnings do not."""

    problems: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.problems


def verify_raw(session: Session, data_dir: Path, report: VerifyReport) -> None:
    """Recompute the SHA-256 of every stored raw capture file."""
    rows = session.execute(select(Capture.sha256, Capture.raw_path, Capture.id)
                           .where(Capture.sha256.is_not(None)).order_by(Capture.id))
    seen: set[tuple[str, str]] = set()
    for digest, raw_path, capture_id in rows:
        if (digest, raw_path) in seen:
            continue
        seen.add((digest, raw_path))
        report.checked["raw files"] += 1
        path = data_dir / (raw_path or "")
        if not raw_path or not path.is_file():
            report.problems.append(Finding("raw", str(path), f"missing (capture {capture_id})"))
        elif (actual := sha256_hex(path.read_bytes())) != digest:
            report.problems.append(Finding(
                "raw", str(path), f"altered: sha256 is {actual}, expected {digest} "
                f"(capture {capture_id})"))


def verify_hits(session: Session, report: VerifyReport) -> None:
    """Check that each hit's offsets reproduce its sentence from the text it was found in."""
    own = Hit.extraction_id.is_(None)
    rows = session.execute(
        select(Hit.id, Hit.start, Hit.end, Hit.sentence,
               case((own, Version.text), else_=Extraction.text), Hit.extraction_id,
               own | (Extraction.version_id == Hit.version_id))
        .join(Version, Hit.version_id == Version.id)
        .outerjoin(Extraction, Hit.extraction_id == Extraction.id).order_by(Hit.id))
    for hit_id, start, end, sentence, text, extraction_id, same in rows.yield_per(500):
        report.checked["hits"] += 1
        actual = (text or "")[start:end]
        where = f"extraction {extraction_id} " if extraction_id else ""
        if not same:
            report.problems.append(Finding(
                "hit", f"hit {hit_id}", f"{where}belongs to another version"))
        elif actual != sentence:
            report.problems.append(Finding(
                "hit", f"hit {hit_id}", f"{where}text[{start}:{end}] is “{actual[:80]}” but the "
                f"stored sentence is “{sentence[:80]}”"))


def verify_extractions(session: Session, report: VerifyReport) -> None:
    """Check that every re-extracted text still hashes to its stored SHA-256."""
    rows = session.execute(select(Extraction.id, Extraction.sha256, Extraction.text)
                           .order_by(Extraction.id))
    for extraction_id, digest, text in rows.yield_per(500):
        report.checked["re-extracted texts"] += 1
        actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if actual != digest:
            report.problems.append(Finding(
                "text", f"extraction {extraction_id}", f"altered: sha256 is {actual}, "
                f"expected {digest}"))


def _check_record(capture: Capture, record: RecordFacts | None, span_end: int) -> str | None:
    """Return what is wrong between a capture row and its WARC record, or None."""
    if record is None:
        return f"no record at offset {capture.warc_offset}"
    expected = capture.sha256 or EMPTY_SHA256
    problems = [
        record.rec_type != "response" and f"record is a {record.rec_type}, not a response",
        record.record_id != capture.warc_record_id
        and f"record id {record.record_id} != {capture.warc_record_id}",
        record.target_uri != capture.final_url
        and f"URL {record.target_uri} != {capture.final_url}",
        record.payload_sha256 != expected
        and f"payload sha256 {record.payload_sha256} != capture sha256 {expected}",
        digest_hex(record.payload_digest) != record.payload_sha256
        and f"WARC-Payload-Digest {record.payload_digest} does not match the payload",
        record.offset + record.length > span_end and "record runs past the stored span",
        *record.digest_problems,
    ]
    found = [p for p in problems if p]
    return "; ".join(found) if found else None


def _verify_warc_file(
    path: Path, captures: list[Capture], scan: WarcScan, report: VerifyReport
) -> None:
    by_offset = {r.offset: r for r in scan.records}
    spans = []
    for capture in captures:
        report.checked["WARC records"] += 1
        offset, length = capture.warc_offset or 0, capture.warc_length or 0
        spans.append((offset, offset + length))
        wrong = _check_record(capture, by_offset.get(offset), offset + length)
        if wrong:
            report.problems.append(Finding(
                "warc", f"{path} @{offset}", f"capture {capture.id}: {wrong}"))
    if scan.error is not None:
        at = scan.error_offset or 0
        used = any(start <= at < end for start, end in spans)
        finding = Finding("warc", f"{path} @{at}", f"{scan.error}"
                          + ("; a capture refers to it" if used else
                             "; no capture refers to it (a crawl stopped while writing)"))
        (report.problems if used else report.warnings).append(finding)


def verify_warcs(session: Session, data_dir: Path, report: VerifyReport) -> None:
    """Check every capture's WARC record, and that every WARC file reads to its end."""
    captures: dict[str, list[Capture]] = {}
    for capture in session.scalars(select(Capture).where(Capture.warc_file.is_not(None))
                                   .order_by(Capture.id)):
        captures.setdefault(capture.warc_file or "", []).append(capture)
    unarchived = session.scalar(
        select(func.count()).select_from(Capture)
        .where(Capture.warc_file.is_(None), Capture.http_status.is_not(None)))
    if unarchived:
        report.warnings.append(Finding(
            "warc", "captures", f"{unarchived} fetches with an HTTP answer have no WARC record "
            "(stored before WARC writing, or the WARC write failed)"))
    on_disk = {f"{WARC_DIR}/{p.name}" for p in (data_dir / WARC_DIR).glob("*.warc.gz")}
    for name in sorted(set(captures) | on_disk):
        path = data_dir / name
        report.checked["WARC files"] += 1
        if not path.is_file():
            report.problems.append(Finding(
                "warc", str(path), f"missing ({len(captures[name])} captures refer to it)"))
            continue
        _verify_warc_file(path, captures.get(name, []), scan_file(path), report)


def verify_store(session: Session, data_dir: Path) -> VerifyReport:
    """Run every check and return what was checked and what failed."""
    report = VerifyReport()
    verify_raw(session, data_dir, report)
    verify_hits(session, report)
    verify_extractions(session, report)
    verify_warcs(session, data_dir, report)
    return report
