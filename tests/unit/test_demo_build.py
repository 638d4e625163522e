"""The demo build reproduces the committed site byte for byte: demo/site/** (the reports too),
demo/site/_headers.json and demo/manifest.json come from demo/content/*.yaml and demo/templates."""

from __future__ import annotations

from pathlib import Path

import demo
from demo.build_site import build
from demo.content import REPORTS

DEMO = Path(demo.__file__).parent


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by its relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_site_writes_the_committed_site(tmp_path: Path) -> None:
    build(tmp_path)
    built, committed = files_under(tmp_path / "site"), files_under(DEMO / "site")
    reports = {r.path.lstrip("/") for r in REPORTS}  # written by demo.build_pdfs
    assert set(built) == set(committed) - reports
    assert [name for name in built if built[name] != committed[name]] == []
    assert (tmp_path / "manifest.json").read_bytes() == (DEMO / "manifest.json").read_bytes()


def test_build_pdfs_writes_the_committed_reports(tmp_path: Path) -> None:
    from demo.build_pdfs import build as build_pdfs

    build_pdfs(tmp_path)
    built = files_under(tmp_path)
    assert sorted(built) == sorted(r.path.lstrip("/") for r in REPORTS)
    for name, data in built.items():
        assert data == (DEMO / "site" / name).read_bytes(), name
