"""`evidence export-wacz`: a WACZ that py-wacz's own validator accepts, its files and digests."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from db.warc_read import digest_hex
from evidence.cli import main
from tests.wacz_store import PAGES, build


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("wacz"))


def export(db: Path, out: Path, *more: str) -> int:
    return main(["export-wacz", "--db", str(db), "-o", str(out), *more])


def validator(path: Path) -> subprocess.CompletedProcess[str]:
    """py-wacz's own validator, as its users run it (`wacz validate -f FILE`; the dev extra
    installs it beside this Python; `python -m wacz` would exit 0 on an invalid package)."""
    tool = Path(sys.executable).parent / "wacz"
    command = str(tool) if tool.exists() else shutil.which("wacz")
    assert command, "the wacz command (py-wacz, a dependency) is not installed"
    return subprocess.run([command, "validate", "-f", str(path)],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def package(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "evidence.wacz"
    assert export(base, out) == 0
    return out


def test_validator_accepts_the_package(package: Path) -> None:
    result = validator(package)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Version detected as 1.1.1" in result.stdout
    assert "the passed WACZ is valid" in result.stdout


def test_package_files_and_digests(package: Path) -> None:
    with zipfile.ZipFile(package) as wacz:
        names = set(wacz.namelist())
        assert names == {"archive/evidence.warc.gz", "indexes/index.cdx.gz", "indexes/index.idx",
                         "pages/pages.jsonl", "datapackage.json", "datapackage-digest.json"}
        datapackage = wacz.read("datapackage.json")
        package_json = json.loads(datapackage)
        assert package_json["wacz_version"] == "1.1.1"
        for resource in package_json["resources"]:
            data = wacz.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        digest = json.loads(wacz.read("datapackage-digest.json"))
        assert digest["hash"] == "sha256:" + hashlib.sha256(datapackage).hexdigest()
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()]
        index = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode()
        warc = wacz.read("archive/evidence.warc.gz")
    assert pages[0]["format"] == "json-pages-1.0"
    assert [(p["url"], p["ts"]) for p in pages[1:]] == [
        (p.url, p.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")) for p in PAGES]
    assert pages[1]["title"] == "标题"
    assert all(f'"url": "{p.url}"' in index for p in PAGES)  # the CDXJ index lines
    responses = {r.rec_headers.get_header("WARC-Target-URI"):
                 digest_hex(r.rec_headers.get_header("WARC-Payload-Digest"))
                 for r in ArchiveIterator(io.BytesIO(warc)) if r.rec_type == "response"}
    assert responses == {p.url: hashlib.sha256(p.body).hexdigest() for p in PAGES}


def test_filters_select_the_captures(base: Path, tmp_path: Path) -> None:
    out = tmp_path / "one.wacz"
    assert export(base, out, "--limit", "1") == 0
    with zipfile.ZipFile(out) as wacz:
        pages = wacz.read("pages/pages.jsonl").splitlines()
    assert len(pages) == 2  # the header and one page
    assert export(base, tmp_path / "none.wacz", "--source", "nosuch") == 2
    assert not (tmp_path / "none.wacz").exists()


def test_existing_file_needs_force(base: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kept.wacz"
    out.write_bytes(b"keep me")
    assert export(base, out) == 2
    assert "exists: not overwritten (pass --force to replace it)" in capsys.readouterr().err
    assert out.read_bytes() == b"keep me"
    assert export(base, out, "--force") == 0
    assert zipfile.is_zipfile(out)
    assert list(tmp_path.iterdir()) == [out]  # no temporary files left behind


def test_validator_rejects_a_changed_warc(package: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed.wacz"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(changed, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "archive/evidence.warc.gz":
                data = gzip.compress(gzip.decompress(data).replace(b"1200", b"9999"))
            target.writestr(item, data)
    result = validator(changed)
    assert result.returncode != 0 and "invalid" in result.stdout
