"""Check that the stored evidence still is what was collected: raw bytes, texts, hits, rows,
WARC records.

- every raw capture file exists and still hashes to its name and its capture rows;
- every version's text and metadata (title, date, publisher, 来源, editor, author, 文号, PDF
  pages) are what the extractor version that made them reads from the version's raw bytes
  today, and so is every re-extraction's; a text made by another extractor version than the
  running one cannot be re-made and is a *warning* ("extractor changed"), and so is a text
  with OCR pages where this machine's OCR engine is another or none, or where OCR stopped at
  its time limit (both depend on the machine);
- every hit's offsets cut exactly its quoted sentence out of the text it was found in (its
  version's stored text, or the re-extraction it names), and every re-extracted text still
  hashes to its stored SHA-256;
- the hash log (db.ledger) chains from its first entry to its last, and every covered row
  (documents, captures, versions, extractions, hits, redetections, reviews, document reviews,
  status events) still has the content its entry recorded: an edit, a deletion, a row written
  around the storage layer and an edited or removed entry are each named with table and row;
- every capture's WARC record is where the row says, has its record id and URL, and its payload
  digest and bytes match the capture's SHA-256; every WARC file reads to its end;
- every run manifest still hashes to its digest and names its files as they are, and its RFC 3161
  token covers that digest and verifies against the configured TSA certificates
  (db/verify_stamps.py; a manifest not timestamped is a warning).
A WARC file that ends in an incomplete record (a crawl killed or a disk filled while writing) is
a *warning* when no capture refers to that record, and a problem when one does.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, joinedload

from db import ledger
from db.models import (
    Capture,
    Document,
    Extraction,
    Hit,
    Screenshot,
    Version,
    running_extractor_version,
)
from db.rawstore import RawStore, sha256_hex
from db.reprocess import ExtractSettings, reading, reextract
from db.verify_stamps import verify_manifests
from db.warc import WARC_DIR
from db.warc_read import RecordFacts, WarcScan, digest_hex, iter_records, scan_file
from pipelines.text.types import OcrRecord

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
READING = ("text", "title", "published_at", "publisher", "origin", "editor", "author",
           "doc_number", "page_starts")  # the fields of db.reprocess.reading, in its order


@dataclass(frozen=True)
class Finding:
    """One mismatch (or warning), naming the file, hit or capture concerned."""

    check: str  # raw | text | hit | log | warc | manifest | timestamp | screenshot
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
    head: str = ""  # SHA-256 of the hash log's newest entry

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
        elif (actual := _file_sha256(path)) != digest:
            report.problems.append(Finding(
                "raw", str(path), f"altered: sha256 is {actual}, expected {digest} "
                f"(capture {capture_id})"))


def _file_sha256(path: Path) -> str:
    """The file's SHA-256, or why it cannot be read."""
    try:
        return sha256_hex(path.read_bytes())
    except OSError as exc:
        return f"unknown (unreadable: {exc.strerror or exc})"


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


def no_settings(_slug: str) -> tuple[str | None, Mapping[str, str]]:
    """The crawl's extraction settings when no source file is known: no override, no selectors."""
    return None, {}


def _differences(stored: tuple[object, ...], again: tuple[object, ...]) -> str | None:
    """How a stored reading differs from the one extracted again, or None."""
    found = []
    for name, old, new in zip(READING, stored, again, strict=True):
        if old == new:
            continue
        if name == "text":
            at = len(os.path.commonprefix([str(old), str(new)]))
            found.append(f"text differs from char {at} (“{str(old)[at:at + 30]}” stored, "
                         f"“{str(new)[at:at + 30]}” in the raw bytes)")
        else:
            found.append(f"{name} is “{old}” but the raw bytes give “{new}”")
    return "; ".join(found) if found else None


def _reextract_problem(raw: RawStore, version: Version, settings: ExtractSettings,
                       stored: tuple[object, ...]) -> str | None:
    """Why ``stored`` is not what the running extractor reads from the version's raw bytes."""
    capture = version.first_capture
    if capture is None:
        return "has no first capture: its text cannot be traced to raw bytes"
    if capture.sha256 != version.sha256:
        return (f"its first capture {capture.id} holds other bytes (sha256 {capture.sha256}, "
                f"the version says {version.sha256})")
    if not capture.sha256 or _file_sha256(raw.path(capture.sha256)) != capture.sha256:
        return None  # the raw check names the missing, unreadable or altered file
    extracted, why = reextract(raw, version, settings)
    if extracted is None:
        return f"cannot be extracted again: {why}"
    differs = _differences(stored, reading(extracted))
    return f"not what the raw bytes give: {differs}" if differs else None


def ocr_unrepeatable(stored: str | None) -> str | None:
    """Why a text's OCR cannot be made again here (another or no OCR engine, a time limit
    that depends on the machine's speed), or None: its pages are then compared as usual."""
    from pipelines.text.ocr import find_tesseract

    record = OcrRecord.from_json(stored)
    if record is None:
        return None
    if "time limit" in record.note:
        return ("not re-extracted: its OCR stopped at the time limit, which depends on the "
                "machine's speed (its rows are still checked against the hash log)")
    here = find_tesseract()
    if record.engine != (here.engine if here else ""):
        return (f"not re-extracted: OCR engine changed: read by {record.engine or 'no OCR'}, "
                f"this machine has {here.engine if here else 'no OCR'} (its rows are still "
                "checked against the hash log)")
    return None


def verify_texts(session: Session, raw: RawStore, settings: ExtractSettings,
                 report: VerifyReport) -> None:
    """Extract every version's raw bytes again and compare with its stored texts and metadata,
    where they were made by the running extractor version (else warn: extractor changed)."""
    running, changed = running_extractor_version(), Counter[str]()
    query = (select(Version).order_by(Version.id).options(
        joinedload(Version.first_capture),
        joinedload(Version.document).joinedload(Document.source)))
    for version in session.scalars(query.execution_options(yield_per=100)):
        rows = [version, *session.scalars(select(Extraction).where(
            Extraction.version_id == version.id).order_by(Extraction.id))]
        for row in rows:
            name = "version" if row is version else "extraction"
            if row.extractor_version != running:
                changed[row.extractor_version] += 1
                continue
            unrepeatable = ocr_unrepeatable(row.ocr)
            if unrepeatable:
                report.warnings.append(Finding("text", f"{name} {row.id}", unrepeatable))
                continue
            report.checked["texts re-extracted"] += 1
            problem = _reextract_problem(raw, version, settings, reading(row))
            if problem:
                report.problems.append(Finding("text", f"{name} {row.id}", problem))
    for old, count in sorted(changed.items()):
        report.warnings.append(Finding(
            "text", f"{count} texts", f"extractor changed: made by extractor version {old}, "
            f"this release runs {running}; not re-extracted (`evidence reprocess` re-extracts "
            "them; their rows are still checked against the hash log)"))


def verify_log(session: Session, report: VerifyReport, expect_head: str | None = None) -> None:
    """Check the hash log's chain and every covered row against its entry; with
    ``expect_head``, that the log still holds that entry (was not cut back)."""
    conn = session.connection()
    found: list[ledger.LogProblem] = []
    report.checked["hash log entries"] += ledger.check_chain(conn, found)
    for name in ledger.COVERED:
        report.checked["logged rows"] += ledger.check_rows(conn, name, found)
    report.problems.extend(Finding("log", p.subject, p.detail) for p in found)
    report.head = ledger.chain_head(conn)[1]
    if expect_head and not ledger.has_entry(conn, expect_head):
        report.problems.append(Finding("log", "hash_log", f"no entry {expect_head}: the log "
                                       "was cut back (its newest entries deleted) or replaced"))


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


def verify_stamps(session: Session, data_dir: Path, tsa_ca: bytes | None,
                  report: VerifyReport) -> None:
    """Check every run manifest against its files and its timestamp token."""
    def note(check: str, subject: str, detail: str, problem: bool) -> None:
        (report.problems if problem else report.warnings).append(Finding(check, subject, detail))

    report.checked.update(verify_manifests(session, data_dir, tsa_ca, note))


def verify_screenshots(session: Session, data_dir: Path, report: VerifyReport) -> None:
    """Re-hash every screenshot's PNG and PDF and check its WARC resource record."""
    for shot in session.scalars(select(Screenshot).where(Screenshot.status == "ok")
                                .order_by(Screenshot.id)):
        report.checked["screenshots"] += 1
        for digest, name in ((shot.sha256, shot.raw_path), (shot.pdf_sha256, shot.pdf_path)):
            if digest and name and (actual := _file_sha256(data_dir / name)) != digest:
                report.problems.append(Finding("screenshot", str(data_dir / name),
                                               f"altered or missing: sha256 is {actual}, "
                                               f"expected {digest} (screenshot {shot.id})"))
        if shot.warc_file and (wrong := _screenshot_record(data_dir, shot)):
            report.problems.append(Finding("warc", f"{data_dir / shot.warc_file} "
                                                   f"@{shot.warc_offset}",
                                           f"screenshot {shot.id}: {wrong}"))


def _screenshot_record(data_dir: Path, shot: Screenshot) -> str | None:
    """What is wrong with a screenshot's WARC resource record, or None."""
    try:
        with open(data_dir / str(shot.warc_file), "rb") as stream:
            stream.seek(shot.warc_offset or 0)
            facts, error = next(iter_records(stream))
    except (OSError, StopIteration) as exc:
        return f"unreadable ({exc})"
    if facts is None:
        return f"unreadable ({error})"
    if facts.record_id != shot.warc_record_id:
        return f"another record ({facts.record_id}) is at its offset"
    if facts.payload_sha256 != shot.sha256 or facts.digest_problems:
        return "its payload is not the screenshot's PNG"
    return None


def verify_store(session: Session, data_dir: Path, settings: ExtractSettings = no_settings,
                 expect_head: str | None = None, tsa_ca: bytes | None = None) -> VerifyReport:
    """Run every check and return what was checked and what failed; ``settings``: each source's
    encoding override and selectors, as the crawl extracted with them; ``expect_head``: a hash
    log head noted earlier, which the log must still hold; ``tsa_ca``: the PEM certificates
    timestamp tokens must verify against."""
    report = VerifyReport()
    verify_raw(session, data_dir, report)
    verify_texts(session, RawStore(data_dir), settings, report)
    verify_hits(session, report)
    verify_extractions(session, report)
    verify_log(session, report, expect_head)
    verify_warcs(session, data_dir, report)
    verify_screenshots(session, data_dir, report)
    verify_stamps(session, data_dir, tsa_ca, report)
    return report
