"""Evidence packs: a zip a third party can check with sha256sum and warcio, without our software."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from db.citations import Archived, CitationFacts
from db.warc import read_span
from evidence.cite import bibtex, csl_json, footnote
from evidence.csvsafe import write_lists

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

5. A hit's quoted sentence is a span of the text we extracted from the raw page; the extraction
   is ours and may differ from what a browser shows. The raw bytes and WARC records are the
   evidence; the text and hits are our reading of them.
"""


@dataclass(frozen=True)
class PackSummary:
    """What went into a pack."""

    path: Path
    hits: int
    raw_files: int
    warc_records: int
    files: int


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


def pack_files(facts: list[CitationFacts], data_dir: Path, hits_csv: bytes) -> dict[str, bytes]:
    """Return every file of the pack (name -> bytes), the manifest included."""
    from db.rawstore import RawStore

    raw = RawStore(data_dir)
    captures = _captures(facts)
    files: dict[str, bytes] = {
        "hits.csv": hits_csv,
        "hits.jsonl": "".join(json.dumps(f.hit.to_dict(), ensure_ascii=False) + "\n"
                              for f in facts).encode("utf-8"),
        "captures.csv": _captures_csv(captures),
        "citations.txt": "".join(f"[{f.hit.id}] {footnote(f.hit, f)}\n\n"
                                 for f in facts).encode("utf-8"),
        "citations.bib": "".join(bibtex(f) + "\n\n" for f in facts).encode("utf-8"),
        "citations.json": json.dumps([csl_json(f) for f in facts], ensure_ascii=False,
                                     indent=2).encode("utf-8"),
        "warc/evidence.warc.gz": _warc(data_dir, captures),
        "VERIFY.txt": VERIFY_TEXT.encode("utf-8"),
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
