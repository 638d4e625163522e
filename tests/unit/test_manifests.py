"""Run manifests: their text, and how a file that changed, shrank or grew is named."""

from __future__ import annotations

from pathlib import Path

from db.manifests import Entry, parse_manifest, prefix_sha256, text_sha256
from db.verify_stamps import entry_problem


def _entry(data: Path, path: str, body: bytes) -> Entry:
    (data / path).parent.mkdir(parents=True, exist_ok=True)
    (data / path).write_bytes(body)
    digest, size = prefix_sha256(data / path)
    return Entry(digest, size, path)


def test_parse_names_malformed_lines() -> None:
    body = f"# header\n{'a' * 64}  12  sha256/aa/aa/x\nnot a line\n"
    entries, bad = parse_manifest(body)
    assert entries == [Entry("a" * 64, 12, "sha256/aa/aa/x")]
    assert bad == ["line 3: “not a line”"]
    assert text_sha256(body) != text_sha256(body + " ")


def test_a_warc_file_may_grow_a_capture_may_not(tmp_path: Path) -> None:
    warc = _entry(tmp_path, "warc/run-00001-x.warc.gz", b"records")
    raw = _entry(tmp_path, "sha256/ab/cd/abcd", b"page")
    for entry in (warc, raw):
        assert entry_problem(tmp_path, entry) is None
        with (tmp_path / entry.path).open("ab") as handle:
            handle.write(b" appended")
    assert entry_problem(tmp_path, warc) is None  # its first bytes are as they were
    assert entry_problem(tmp_path, raw) == "changed: 13 bytes, the manifest says 4"


def test_changed_and_missing_files_are_named(tmp_path: Path) -> None:
    warc = _entry(tmp_path, "warc/run-00001-x.warc.gz", b"records")
    (tmp_path / warc.path).write_bytes(b"recorbs")
    assert (entry_problem(tmp_path, warc) or "").startswith("changed: it hashes to ")
    (tmp_path / warc.path).write_bytes(b"rec")
    assert entry_problem(tmp_path, warc) == "changed: 3 bytes, the manifest says 7"
    (tmp_path / warc.path).unlink()
    assert (entry_problem(tmp_path, warc) or "").startswith("missing or unreadable")
