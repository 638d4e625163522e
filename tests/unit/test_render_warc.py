"""A rendering's WARC records: PNG and PDF resource records and a metadata record, each
referring to the page's response record, digests that warcio checks, appended after a fetch."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from db.warc import Rendering, WarcFetch, WarcSink
from db.warc_read import digest_hex, read_span, scan_file

WHEN = datetime(2024, 3, 1, 8, 30, 5, tzinfo=UTC)
URL = "http://demo.evidence.test/gov/a.html"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n% rendered\n%%EOF\n"


def test_rendering_records_refer_to_the_response(tmp_path: Path) -> None:
    sink = WarcSink(tmp_path, "render-test", {"software": "test"})
    page = sink.write(WarcFetch(url=URL, fetched_at=WHEN, status=200, body=b"<p>x</p>",
                                headers={"Content-Type": ["text/html"]}))
    assert page is not None
    ref = sink.write_rendering(Rendering(URL, page.record_id, WHEN, datetime.now(UTC), PNG, PDF,
                                         {"software": "Chrome/1 headless", "blocked": "a b"}))
    sink.close()
    assert ref is not None
    path = tmp_path / ref.file
    scan = scan_file(path)
    assert scan.error is None and all(not r.digest_problems for r in scan.records)
    with open(path, "rb") as stream:
        stream.seek(ref.offset)
        records = [(r.rec_type, dict(r.rec_headers.headers), r.content_stream().read())
                   for r in ArchiveIterator(stream)]
    (png_type, png_headers, png_body), (pdf_type, pdf_headers, pdf_body), (meta_type, meta, body) \
        = records[:3]
    assert (png_type, pdf_type, meta_type) == ("resource", "resource", "metadata")
    assert png_body == PNG and pdf_body == PDF
    assert png_headers["WARC-Record-ID"] == ref.record_id
    assert png_headers["WARC-Refers-To"] == page.record_id
    assert png_headers["WARC-Refers-To-Target-URI"] == URL
    assert png_headers["WARC-Target-URI"] == f"urn:screenshot:{URL}"
    assert png_headers["Content-Type"] == "image/png"
    assert digest_hex(png_headers["WARC-Payload-Digest"]) == hashlib.sha256(PNG).hexdigest()
    assert pdf_headers["WARC-Concurrent-To"] == ref.record_id
    assert meta["WARC-Concurrent-To"] == ref.record_id and b"Chrome/1 headless" in body
    assert read_span(path, ref.offset, ref.length)[:2] == b"\x1f\x8b"  # whole gzip members


def test_no_pdf_no_fields(tmp_path: Path) -> None:
    sink = WarcSink(tmp_path, "render-test", {"software": "test"})
    ref = sink.write_rendering(Rendering(URL, None, WHEN, WHEN, PNG, None))
    sink.close()
    assert ref is not None
    kinds = [r.rec_type for r in scan_file(tmp_path / ref.file).records]
    assert kinds == ["warcinfo", "resource"]
    with open(tmp_path / ref.file, "rb") as stream:
        stream.seek(ref.offset)
        headers = next(iter(ArchiveIterator(stream))).rec_headers
    assert headers.get_header("WARC-Refers-To") is None  # a capture without a WARC record
    assert headers.get_header("WARC-Refers-To-Target-URI") == URL


def test_appending_to_an_existing_file_adds_no_second_warcinfo(tmp_path: Path) -> None:
    sink = WarcSink(tmp_path, "run-00001-demo", {"software": "test"})
    page = sink.write(WarcFetch(url=URL, fetched_at=WHEN, status=200, body=b"<p>x</p>",
                                headers={"Content-Type": ["text/html"]}))
    sink.close()
    assert page is not None
    path = tmp_path / page.file
    end = path.stat().st_size
    again = WarcSink.appending(tmp_path, page.file)
    ref = again.write_rendering(Rendering(URL, page.record_id, WHEN, WHEN, PNG, None))
    again.close()
    assert ref is not None and (ref.file, ref.offset) == (page.file, end)
    assert ref.offset + ref.length == path.stat().st_size
    scan = scan_file(path)
    assert scan.error is None
    assert [r.rec_type for r in scan.records] == ["warcinfo", "response", "request", "resource"]
    assert sorted(p.name for p in (tmp_path / "warc").iterdir()) == ["run-00001-demo.warc.gz"]
