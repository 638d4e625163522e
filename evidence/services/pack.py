"""Evidence packs: a zip a third party can check with sha256sum and warcio, without our software."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from db.citations import Archived, CitationFacts
from db.rawstore import RawStore
from db.screenshots import ShotFacts
from db.warc_read import read_span
from evidence.services.cite import bibtex, csl_json, footnote
from evidence.services.errors import UserError
from evidence.services.export import write_csv, write_jsonl, write_lists

if TYPE_CHECKING:
    from db.filters import Filter
    from db.hits import HitView

MANIFEST = "MANIFEST.sha256"

VERIFY_TEXT = """\
HOW TO CHECK THIS EVIDENCE PACK
===============================

This pack was written by evidence-pipeline. Checking it needs no software of ours.

1. Every file is listed in MANIFEST.sha256 with its SHA-256. In this folder, run

       sha256sum -c MANIFEST.sha256          (Linux; macOS: shasum -a 256 -c MANIFEST.sha256)

   Every line must say OK.

2. raw/ holds the bytes exactly as the web server sent them (after undoing any gzip/deflate
   transfer compression). Each file is named by its own SHA-256, so `sha256sum raw/*` must print
   each file's name as its hash. hits.csv / hits.jsonl give, for each hit, the sha256 of the page
   it was found in; captures.csv says which URL, when (UTC) and with which HTTP status each raw
   file was fetched. In the CSV files a cell that begins with = + - @, a tab or a carriage
   return has a single quote (') put in front, so that no spreadsheet runs it as a formula;
   hits.jsonl has every text exactly as stored.

3. warc/evidence.warc.gz holds the original WARC records (ISO 28500) of those fetches, copied
   byte for byte from the crawl's WARC files: the HTTP response (status line, the server's
   headers, the body) and the request we sent. Check them with warcio (pip install warcio):

       warcio check -v warc/evidence.warc.gz      every record: "digest pass"
       warcio index warc/evidence.warc.gz         lists the records and their URLs

   Each response record's WARC-Payload-Digest is the body's SHA-256 in base32; its
   WARC-Record-ID is the one named in the citations. A body can be extracted with
   `warcio extract --payload warc/evidence.warc.gz OFFSET` and hashed with sha256sum: the hash is
   the raw/ file's name.

4. citations.txt, citations.bib and citations.json cite every hit (footnote, BibTeX, CSL-JSON):
   quote in the original script, access date (UTC), archived copy (sha256, WARC-Record-ID), and
   a removal note when the page was later found gone (its 404 or "not found" page is also in
   the WARC file).

5. screenshots/ holds, for pages that were rendered, a full-page PNG (and a PDF print) of the
   page as headless Chromium showed it from the stored bytes above, with no network: each file
   is named by its own SHA-256 (`sha256sum screenshots/*`), screenshots.csv says which page,
   browser and time, and warc/evidence.warc.gz holds them as resource records whose
   WARC-Refers-To is the page's response record.

6. A hit's quoted sentence is a span of the text we extracted from the raw page; the extraction
   is ours and may differ from what a browser shows. The raw bytes and WARC records are the
   evidence; the text and hits are our reading of them.
"""


def _captures(facts: Iterable[CitationFacts]) -> list[Archived]:
    """The distinct fetches behind the hits: each version's first capture and removal captures."""
    seen: dict[int, Archived] = {}
    for item in facts:
        for archived in (item.archived, item.removal_capture):
            if archived is not None:
                seen.setdefault(archived.capture_id, archived)
    return [seen[key] for key in sorted(seen)]


def _captures_csv(captures: list[Archived]) -> bytes:
    out = io.StringIO()
    write_lists(out, ["capture_id", "url", "fetched_at_utc", "http_status", "sha256",
                      "raw_file", "warc_record_id"],
                ([c.capture_id, c.url, c.fetched_at, c.http_status, c.sha256 or "",
                  f"raw/{c.sha256}" if c.sha256 else "", c.warc_record_id or ""]
                 for c in captures))
    return out.getvalue().encode("utf-8")


def _warc(data_dir: Path, captures: list[Archived]) -> bytes:
    """Concatenate the captures' WARC gzip members (a valid multi-member .warc.gz)."""
    parts = [read_span(data_dir / c.warc_file, c.warc_offset, c.warc_length)
             for c in captures if c.warc_file and c.warc_offset is not None and c.warc_length]
    return b"".join(parts)


def _shots(facts: Iterable[CitationFacts]) -> list[tuple[int, ShotFacts]]:
    """The distinct screenshots of the hits' versions, with the version id."""
    seen: dict[str, tuple[int, ShotFacts]] = {}
    for item in facts:
        if item.screenshot is not None:
            seen.setdefault(item.screenshot.sha256, (item.hit.version_id, item.screenshot))
    return sorted(seen.values(), key=lambda pair: pair[1].sha256)


def _shot_files(raw: RawStore, shots: list[tuple[int, ShotFacts]]) -> dict[str, bytes]:
    """screenshots/<sha256>.png (and .pdf) and screenshots.csv."""
    files, out = {}, io.StringIO()
    write_lists(out, ["version_id", "png", "png_sha256", "pdf", "pdf_sha256", "browser",
                      "rendered_at_utc", "warc_record_id"],
                ([vid, shot.file, shot.sha256, _pdf_name(shot), shot.pdf_sha256 or "",
                  shot.browser, f"{shot.rendered_at:%Y-%m-%dT%H:%M:%SZ}",
                  shot.warc_record_id or ""] for vid, shot in shots))
    for _, shot in shots:
        files[shot.file] = raw.read(shot.sha256)
        if shot.pdf_sha256:
            files[_pdf_name(shot)] = raw.read(shot.pdf_sha256)
    if shots:
        files["screenshots.csv"] = out.getvalue().encode("utf-8")
    return files


def _pdf_name(shot: ShotFacts) -> str:
    return f"screenshots/{shot.pdf_sha256}.pdf" if shot.pdf_sha256 else ""


def _shot_warc(data_dir: Path, shots: list[tuple[int, ShotFacts]]) -> bytes:
    """The screenshots' WARC records, copied byte for byte."""
    return b"".join(read_span(data_dir / s.warc_file, s.warc_offset, s.warc_length)
                    for _, s in shots
                    if s.warc_file and s.warc_offset is not None and s.warc_length)


def pack_files(facts: list[CitationFacts], data_dir: Path, hits_csv: bytes) -> dict[str, bytes]:
    """Return every file of the pack (name -> bytes), the manifest included."""
    raw = RawStore(data_dir)
    captures, shots = _captures(facts), _shots(facts)
    files: dict[str, bytes] = {
        "hits.csv": hits_csv,
        "hits.jsonl": _text(write_jsonl, facts),
        "captures.csv": _captures_csv(captures),
        "citations.txt": "".join(f"[{f.hit.id}] {footnote(f.hit, f)}\n\n"
                                 for f in facts).encode("utf-8"),
        "citations.bib": "".join(bibtex(f) + "\n\n" for f in facts).encode("utf-8"),
        "citations.json": json.dumps([csl_json(f) for f in facts], ensure_ascii=False,
                                     indent=2).encode("utf-8"),
        "warc/evidence.warc.gz": _warc(data_dir, captures) + _shot_warc(data_dir, shots),
        "VERIFY.txt": VERIFY_TEXT.encode("utf-8"),
        **_shot_files(raw, shots),
    }
    for digest in sorted({c.sha256 for c in captures if c.sha256}):
        files[f"raw/{digest}"] = raw.read(digest)
    files[MANIFEST] = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                              for name, data in sorted(files.items())).encode("utf-8")
    return files


def write_pack(files: dict[str, bytes], target: Path) -> None:
    """Write the zip to a temporary file, then move it into place (no half-written pack)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".pack-", suffix=".zip")
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            for name, data in files.items():
                method = zipfile.ZIP_STORED if name.endswith(".gz") else zipfile.ZIP_DEFLATED
                archive.writestr(name, data, compress_type=method)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _text(write: Callable[[Iterable[HitView], TextIO], None],
          facts: list[CitationFacts]) -> bytes:
    """The hits of ``facts`` as ``write`` writes them, in UTF-8."""
    out = io.StringIO()
    write([f.hit for f in facts], out)
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Packed:
    """What a pack holds: hits, raw captures, files."""

    hits: int
    raws: int
    files: int


def pack_hits(db: str | None, wanted: Filter, data_dir: Path, target: Path) -> Packed:
    """Write the pack of the hits ``wanted`` lets through to ``target`` (a UserError when there
    are none)."""
    from db.citations import citation_facts
    from db.hits import find_hits
    from evidence.services.database import database_session

    with database_session(db) as session:
        facts = [citation_facts(session, hit) for hit in find_hits(session, wanted)]
    if not facts:
        raise UserError("no hits match these filters: nothing to pack")
    files = pack_files(facts, data_dir, _text(write_csv, facts))
    write_pack(files, target)
    return Packed(len(facts), sum(name.startswith("raw/") for name in files), len(files))
