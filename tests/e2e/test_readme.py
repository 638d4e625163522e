"""The README's examples run as written: every ```bash block marked `<!-- readme-test -->` is run
line by line, from a stand-in for a fresh clone, against the database `evidence demo` builds
there, and each command must exit 0. So the README cannot drift from the commands again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- readme-test -->"
# what a fresh clone does not have: version control, caches, databases and outputs of a run
NOT_IN_A_CLONE = {".git", ".venv", ".ci-venv", "build", ".mypy_cache", ".pytest_cache",
                  ".ruff_cache", "evidence.db", "evidence.db-wal", "evidence.db-shm",
                  "evidence-data", "evidence.toml", "hits.csv"}
# set by a developer's shell, never by a fresh clone: the README's defaults must apply
UNSET = ("EVIDENCE_DB", "EVIDENCE_DATA_DIR", "EVIDENCE_CONFIG", "EVIDENCE_SOURCES_DIR",
         "EVIDENCE_FIXTURES_DIR", "EVIDENCE_DEMO_URL")


def marked_blocks(readme: str) -> list[list[str]]:
    """The lines of every fenced block that directly follows the marker."""
    blocks, lines = [], readme.splitlines()
    for number, line in enumerate(lines):
        if line.strip() != MARKER:
            continue
        assert lines[number + 1].startswith("```"), f"README line {number + 2}: no fence"
        end = lines.index("```", number + 2)
        blocks.append(lines[number + 2:end])
    return blocks


def commands(block: list[str]) -> list[str]:
    """The shell commands of a block: continuation lines joined, comment-only lines dropped."""
    found, pending = [], ""
    for line in block:
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        command = (pending + line).strip()
        pending = ""
        if command and not command.startswith("#"):
            found.append(command)
    return found


README_COMMANDS = [c for block in marked_blocks((ROOT / "README.md").read_text("utf-8"))
                   for c in commands(block)]


def environment() -> dict[str, str]:
    """The user's environment with this Python's scripts (`evidence`, `python`) first."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    return {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for a fresh clone (the checkout's files linked in) after `evidence demo`."""
    folder = tmp_path_factory.mktemp("clone")
    for entry in ROOT.iterdir():
        if entry.name not in NOT_IN_A_CLONE:
            (folder / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    demo = subprocess.run(["evidence", "demo"], capture_output=True, text=True, cwd=folder,
                          env=environment(), timeout=600)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert (folder / "evidence.db").is_file()
    return folder


def test_the_readme_marks_its_examples() -> None:
    assert len(README_COMMANDS) >= 7, README_COMMANDS
    assert any(c.startswith("evidence detect ") for c in README_COMMANDS)


@pytest.mark.slow
@pytest.mark.parametrize("command", README_COMMANDS)
def test_readme_command_runs_as_written(clone: Path, command: str) -> None:
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True,
                            text=True, cwd=clone, env=environment(), timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr}"
    assert "Traceback" not in result.stderr
