"""A malformed source file or a missing sources folder: one line naming it, a non-zero exit, in
`scrapy list`, `scrapy crawl`, `evidence crawl` and `evidence sources` (issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = """publisher: 测试
kind: government
language: zh
start_urls: ["http://news.hostile.example/index.html"]
links: {article: {css: "ul a"}}
"""
COMMANDS = [
    pytest.param(["scrapy", "list"], id="scrapy-list"),
    pytest.param(["scrapy", "crawl", "good"], id="scrapy-crawl"),
    pytest.param([sys.executable, "-m", "evidence.cli", "crawl", "--all"], id="evidence-crawl"),
    pytest.param([sys.executable, "-m", "evidence.cli", "sources"], id="evidence-sources"),
]


def run(command: list[str], sources: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    """Run a command with EVIDENCE_SOURCES_DIR pointing at ``sources``."""
    tool = [str(Path(sys.executable).with_name("scrapy")), *command[1:]] \
        if command[0] == "scrapy" else command
    env = {**os.environ, "EVIDENCE_SOURCES_DIR": str(sources),
           "EVIDENCE_DB": str(tmp / "e.db")}
    return subprocess.run(tool, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def one_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """A non-zero exit with one line on standard error that names ``words``."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("evidence: error:"), result.stderr
    assert all(word in lines[0] for word in words), lines[0]
    assert "Traceback" not in result.stdout + result.stderr


def sources_with(tmp: Path, name: str, text: str) -> Path:
    """A sources folder holding a good source and ``name`` with ``text``."""
    folder = tmp / "sources" / "government"
    folder.mkdir(parents=True)
    (folder / "good.yml").write_text(GOOD, encoding="utf-8")
    (folder / name).write_text(text, encoding="utf-8")
    return folder.parent


@pytest.mark.parametrize("command", COMMANDS)
def test_yaml_syntax_error_names_file_field_and_line(command: list[str], tmp_path: Path) -> None:
    sources = sources_with(tmp_path, "broken.yml", GOOD.replace('{css: "ul a"}}', '{css: "ul a"}'))
    one_line(run(command, sources, tmp_path), "broken.yml", "field links", "line 5")


@pytest.mark.parametrize("command", COMMANDS[:2])  # the evidence CLI always said it in one line
def test_invalid_field_names_file_and_field(command: list[str], tmp_path: Path) -> None:
    sources = sources_with(tmp_path, "bad.yml", GOOD + "allow_private_addresses: maybe\n")
    one_line(run(command, sources, tmp_path), "bad.yml", "field allow_private_addresses")


@pytest.mark.parametrize(("field", "text"), [
    ("links.article.css", GOOD.replace('{css: "ul a"}', '{css: "ul a["}')),
    ("links.next_page.css", GOOD.replace('"ul a"}', '"ul a"}, next_page: {css: "a:nth-child(x)"}')),
    ("selectors.body", GOOD + 'selectors: {body: "div.content >"}\n'),
    ("selectors.date", GOOD + 'selectors: {date: "span::text"}\n'),
])
@pytest.mark.parametrize("command", [COMMANDS[0], COMMANDS[3]])  # those that crawl nothing
def test_invalid_css_selector_names_file_and_field(command: list[str], field: str, text: str,
                                                   tmp_path: Path) -> None:
    """Found when the file loads, not when a page is parsed (or never: a broken selector
    would have raised on each page, or matched nothing)."""
    sources = sources_with(tmp_path, "bad.yml", text)
    one_line(run(command, sources, tmp_path), "bad.yml", f"field {field}", "CSS selector")


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_sources_folder_is_named(command: list[str], tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    one_line(run(command, missing, tmp_path), str(missing), "EVIDENCE_SOURCES_DIR")
