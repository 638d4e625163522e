"""The package as `pip install .` installs it (not editable): the `evidence` command run from a
folder outside the checkout still replays a source's fixtures, and says where it looked when a
source has none."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.db", "*.db-*", "*-data")


def copy_checkout(target: Path) -> Path:
    """Copy what a build reads: the packages, the build files and the source fixtures."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for pattern in config["tool"]["setuptools"]["packages"]["find"]["include"]:
        name = pattern.rstrip("*")
        shutil.copytree(ROOT / name, target / name, ignore=JUNK)
    for name in BUILD_FILES:
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "tests/fixtures/sources", target / "tests/fixtures/sources")
    return target


def can_build_offline() -> str | None:
    """Why this environment cannot build a wheel without network, or None when it can."""
    from importlib.metadata import version

    setuptools = tuple(int(part) for part in version("setuptools").split(".")[:2])
    if setuptools < (70, 1):  # older ones need the `wheel` package to build a wheel
        return f"setuptools {version('setuptools')} is too old: pip install '.[dev]'"
    return None


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built and installed (no dependencies, no network) into a folder of its own."""
    reason = can_build_offline()
    if reason:
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("installed")
    source = copy_checkout(work / "src")
    site = work / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(site), str(source)],
        capture_output=True, text=True, timeout=300, cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def evidence(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `evidence` script, with the installed packages first on the path."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("EVIDENCE_FIXTURES_DIR", "EVIDENCE_SOURCES_DIR", "PYTHONPATH")}
    return subprocess.run([sys.executable, str(site / "bin" / "evidence"), *args],
                          capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={**env, "PYTHONPATH": str(site)})


@pytest.mark.slow
def test_check_source_replays_fixtures_from_an_installed_package(
        installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [sys.executable, "-c", "import evidence.services.source_check as m; print(m.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ,
                                                           "PYTHONPATH": str(installed)})
    assert Path(where.stdout.strip()).is_relative_to(installed), where.stdout + where.stderr
    result = evidence(installed, tmp_path, "check-source", "hotan-gov")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("hotan-gov: fixtures replay exactly as expected.json")
    version = evidence(installed, tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.startswith("evidence 0."), version.stderr


@pytest.mark.slow
def test_check_source_without_fixtures_says_where_it_looked(
        installed: Path, tmp_path: Path) -> None:
    result = evidence(installed, tmp_path, "check-source", "demo-gov")
    assert result.returncode == 2, result.stdout + result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("evidence: error: no fixtures for demo-gov: looked for")
    assert str(tmp_path / "tests/fixtures/sources/demo-gov") in line
    assert str(installed / "evidence/source_fixtures/demo-gov") in line
    assert "--fixtures DIR" in line
    named = evidence(installed, tmp_path, "check-source", "hotan-gov", "--fixtures",
                     str(ROOT / "tests/fixtures/sources"))
    assert named.returncode == 0, named.stdout + named.stderr
