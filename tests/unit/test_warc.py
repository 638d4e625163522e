"""WARC writing and reading: warcio's own tools accept the files; torn writes never hurt earlier
records and are reported instead of crashing."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from db.warc import WarcFetch, WarcSink, framed_headers, payload_digest
from db.warc_read import digest_hex, scan_file, torn_member_offset

WARCIO = [sys.executable, "-c", "import sys; from warcio.cli import main; sys.exit(main())"]
BODY = "<html><title>通知</title><p>有组织转移富余劳动力</p></html>".encode("gbk")
WHEN = datetime(2024, 3, 1, 8, 30, 5, tzinfo=UTC)


def fetch(url: str = "http://127.0.0.1:8741/gov/a.html?id=1", status: int = 200,
          body: bytes = BODY) -> WarcFetch:
    return WarcFetch(
        url=url, fetched_at=WHEN, status=status, body=body, protocol="HTTP/1.1",
        headers={"Content-Type": ["text/html; charset=utf-8"], "Server": ["nginx"],
                 "Content-Length": [str(len(body))]},
        request_headers={"User-Agent": ["evidence-pipeline/0.1"], "Accept-Language": ["en"]},
    )


def sink(tmp_path: Path) -> WarcSink:
    return WarcSink(tmp_path, "run-00001-demo-gov", {"software": "test"})


def test_records_carry_headers_digests_and_ids(tmp_path: Path) -> None:
    warc = sink(tmp_path)
    first, second = warc.write(fetch()), warc.write(fetch("http://127.0.0.1:8741/gone", 404, b""))
    warc.close()
    assert first and second and first.file == second.file == "warc/run-00001-demo-gov.warc.gz"
    scan = scan_file(tmp_path / first.file)
    assert scan.error is None
    assert [r.rec_type for r in scan.records] == ["warcinfo", "response", "request",
                                                  "response", "request"]
    response = scan.records[1]
    assert (response.offset, response.record_id) == (first.offset, first.record_id)
    assert response.payload_sha256 == hashlib.sha256(BODY).hexdigest()
    assert digest_hex(response.payload_digest) == response.payload_sha256
    assert first.length == scan.records[3].offset - first.offset  # response + request
    raw = (tmp_path / first.file).read_bytes()
    import gzip
    text = gzip.decompress(raw).decode("utf-8", "replace")
    assert "WARC-Date: 2024-03-01T08:30:05Z" in text
    assert "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nServer: nginx" in text
    assert "GET /gov/a.html?id=1 HTTP/1.1\r\nHost: 127.0.0.1:8741\r\nUser-Agent:" in text
    assert "HTTP/1.1 404 Not Found" in text


def test_warcio_check_and_index_accept_the_file(tmp_path: Path) -> None:
    warc = sink(tmp_path)
    ref = warc.write(fetch())
    warc.close()
    assert ref is not None
    path = str(tmp_path / ref.file)
    check = subprocess.run([*WARCIO, "check", "-v", path], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 3
    index = subprocess.run([*WARCIO, "index", path], capture_output=True, text=True)
    assert index.returncode == 0
    assert f'{{"offset": "{ref.offset}", "warc-type": "response", "warc-target-uri": ' \
           '"http://127.0.0.1:8741/gov/a.html?id=1"}' in index.stdout


def test_decoded_body_gets_true_content_length() -> None:
    pairs = framed_headers({"Content-Length": ["12"], "Transfer-Encoding": ["chunked"],
                            "Server": ["x"]}, b"0123456789abcdef")
    assert pairs == [("X-Evidence-Original-Content-Length", "12"),
                     ("X-Evidence-Original-Transfer-Encoding", "chunked"), ("Server", "x"),
                     ("Content-Length", "16")]
    assert framed_headers({"Content-Length": ["3"]}, b"abc") == [("Content-Length", "3")]
    assert payload_digest(b"") == "sha256:4OYMIQUY7QOBJGX36TEJS35ZEQT24QPEMSNZGTFESWMRW6CSXBKQ===="


def test_existing_file_is_never_appended_to(tmp_path: Path) -> None:
    one, two = sink(tmp_path), sink(tmp_path)
    a, b = one.write(fetch()), two.write(fetch())
    one.close()
    two.close()
    assert a and b and (a.file, b.file) == ("warc/run-00001-demo-gov.warc.gz",
                                            "warc/run-00001-demo-gov-2.warc.gz")


def test_torn_last_record_is_reported_and_earlier_ones_survive(tmp_path: Path) -> None:
    warc = sink(tmp_path)
    refs = [warc.write(fetch(f"http://127.0.0.1:8741/{n}.html")) for n in range(3)]
    warc.close()
    path = tmp_path / "warc/run-00001-demo-gov.warc.gz"
    whole = path.read_bytes()
    last = refs[-1]
    assert last is not None
    for cut in (last.offset + 5, last.offset + 200, len(whole) - 1):
        path.write_bytes(whole[:cut])
        scan = scan_file(path)
        assert scan.error == "incomplete record (file ends inside it)"
        assert scan.error_offset is not None
        assert last.offset <= scan.error_offset < last.offset + last.length
        responses = [r.record_id for r in scan.records if r.rec_type == "response"]
        assert responses[:2] == [r.record_id for r in refs[:2] if r]
    path.write_bytes(whole)
    assert torn_member_offset(path) is None


def test_disk_full_mid_record_leaves_a_clean_file(tmp_path: Path) -> None:
    # A real short write: the file-size limit makes write() fail with EFBIG part-way.
    script = textwrap.dedent(f"""
        import resource, signal, sys
        from datetime import datetime, UTC
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from db.warc import WarcFetch, WarcSink
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (6000, 6000))
        sink = WarcSink(Path({str(tmp_path)!r}), "full", {{"software": "test"}})
        written = 0
        for n in range(20):
            body = bytes(range(256)) * 8 + str(n).encode()
            ref = sink.write(WarcFetch(f"http://127.0.0.1:1/{{n}}", datetime.now(UTC), 200,
                                       {{"Content-Type": ["application/octet-stream"]}}, body))
            written += ref is not None
        sink.close()
        print(written)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    written = int(done.stdout)
    assert 0 < written < 20
    scan = scan_file(tmp_path / "warc/full.warc.gz")
    assert scan.error is None
    assert sum(r.rec_type == "response" for r in scan.records) == written
    assert all(not r.digest_problems for r in scan.records)
