"""WACZ packages of selected captures: their WARC records, a CDXJ index, pages and digests.

A WACZ (Web Archive Collection Zipped, format 1.1.1) opens in ReplayWeb.page and pywb. It is
built by the ``wacz`` package (py-wacz, Webrecorder's own tool, whose ``wacz validate`` checks
it): ``archive/evidence.warc.gz`` holds the response and request records of the selected
captures, copied byte for byte from the crawl's WARC files; ``indexes/index.cdx.gz`` is their
CDXJ index; ``pages/pages.jsonl`` lists each captured page with its title; ``datapackage.json``
holds every file's SHA-256 and ``datapackage-digest.json`` the digest of that.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from warcio.archiveiterator import ArchiveIterator

from db.citations import Archived
from db.warc_read import read_span
from evidence.services.errors import UserError

if TYPE_CHECKING:
    from db.filters import Filter

WARC_NAME = "evidence.warc.gz"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Captured pages"}


class WaczError(Exception):
    """The package could not be built (the message says why)."""


@dataclass(frozen=True)
class Selected:
    """One capture to package, with the title its page is listed under."""

    archived: Archived
    title: str


@dataclass(frozen=True)
class WaczSummary:
    """What went into a package."""

    path: Path
    pages: int
    records: int


def distinct_captures(selected: Iterable[Selected]) -> list[Selected]:
    """The captures with WARC records, each once, in capture order."""
    seen: dict[int, Selected] = {}
    for item in selected:
        a = item.archived
        if a.warc_file and a.warc_offset is not None and a.warc_length:
            seen.setdefault(a.capture_id, item)
    return [seen[key] for key in sorted(seen)]


def copy_records(data_dir: Path, selected: Sequence[Selected], target: Path) -> None:
    """Write the captures' WARC gzip members, byte for byte, as one multi-member .warc.gz."""
    with open(target, "wb") as out:
        for item in selected:
            a = item.archived
            assert a.warc_file and a.warc_offset is not None and a.warc_length
            out.write(read_span(data_dir / a.warc_file, a.warc_offset, a.warc_length))


def page_lines(warc: Path, titles: dict[str, str]) -> tuple[list[dict[str, str]], int]:
    """The pages.jsonl entries (one per response record) and the number of records."""
    pages: list[dict[str, str]] = []
    records = 0
    with open(warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            records += 1
            if record.rec_type != "response":
                continue
            url = str(record.rec_headers.get_header("WARC-Target-URI"))
            ts = str(record.rec_headers.get_header("WARC-Date"))
            pages.append({"url": url, "ts": ts, "title": titles.get(url) or url})
    return pages, records


def run_wacz(args: list[str]) -> None:
    """Run py-wacz's command line in-process, its chatter kept off our output."""
    from wacz.main import main

    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        status = main(args)
    if status:
        raise WaczError(f"wacz {args[0]} failed: {chatter.getvalue().strip()[-500:]}")


def build(work: Path, pages: list[dict[str, str]], output: Path, title: str) -> None:
    """Build the package from ``work/evidence.warc.gz`` and the page list into ``output``."""
    pages_file = work / "pages.jsonl"
    lines = [PAGES_HEADER, *pages]
    pages_file.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in lines),
                          encoding="utf-8")
    run_wacz(["create", str(work / WARC_NAME), "-o", str(output), "-p", str(pages_file),
              "--hash-type", "sha256", "--title", title,
              "--desc", "Captures exported by evidence-pipeline (evidence export-wacz)"])


def validate(path: Path) -> None:
    """Check a package with py-wacz's validator; WaczError naming the failure otherwise."""
    run_wacz(["validate", "-f", str(path)])


def place(built: Path, target: Path, force: bool) -> None:
    """Move the finished package to ``target``; an existing one only with ``force``."""
    if force:
        os.replace(built, target)
        return
    os.link(built, target)  # FileExistsError if something appeared meanwhile: never clobbered
    built.unlink()


def write_wacz(selected: Iterable[Selected], data_dir: Path, target: Path, force: bool = False,
               title: str = "evidence-pipeline captures") -> WaczSummary:
    """Write a WACZ of the selected captures to ``target`` (never half-written)."""
    chosen = distinct_captures(selected)
    if not chosen:
        raise WaczError("none of the selected captures has WARC records: nothing to package")
    titles = {s.archived.url: s.title for s in chosen}
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".wacz-") as tmp:
        work = Path(tmp)
        copy_records(data_dir, chosen, work / WARC_NAME)
        pages, records = page_lines(work / WARC_NAME, titles)
        built = work / "out.wacz"
        build(work, pages, built, title)
        place(built, target, force)
    return WaczSummary(target, len(pages), records)


def wacz_of_hits(db: str | None, wanted: Filter, data_dir: Path, target: Path,
                 force: bool = False) -> tuple[WaczSummary, int]:
    """Write the WACZ of the captures behind the hits ``wanted`` lets through; return it and
    how many hits (a UserError when there are none)."""
    from db.citations import archived
    from db.hits import find_hits
    from evidence.services.database import database_session

    with database_session(db) as session:
        found = find_hits(session, wanted)
        selected = [Selected(a, hit.title or hit.url) for hit in found
                    if (a := archived(session, hit.capture_id)) is not None]
    if not found:
        raise UserError("no hits match these filters: nothing to export")
    return write_wacz(selected, data_dir, target, force), len(found)
