"""evidence.toml: keys become environment defaults; the environment wins; typos are named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config_file import ConfigError, apply_config_file

ROOT = Path(__file__).resolve().parents[2]


def test_file_sets_defaults_and_environment_wins(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "evidence.toml"
    config.write_text('db = "team.db"\nrecheck_days = 3\nrobotstxt_obey = true\n'
                      'user_agent = "research-bot/1.0"\n', encoding="utf-8")
    for name in ("EVIDENCE_DB", "EVIDENCE_RECHECK_DAYS", "EVIDENCE_ROBOTSTXT_OBEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EVIDENCE_USER_AGENT", "from-env")
    applied = apply_config_file(config)
    assert applied == {"EVIDENCE_DB": "team.db", "EVIDENCE_RECHECK_DAYS": "3",
                       "EVIDENCE_ROBOTSTXT_OBEY": "1"}
    assert os.environ["EVIDENCE_USER_AGENT"] == "from-env"


@pytest.mark.parametrize("text", ['databse = "x.db"\n', "db = [unclosed\n"])
def test_bad_file_names_file_and_key(tmp_path: Path, text: str) -> None:
    config = tmp_path / "evidence.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=str(config)):
        apply_config_file(config)


def test_cli_reports_bad_config_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('colour = "blue"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "evidence.cli", "sources"], cwd=ROOT,
                            capture_output=True, text=True,
                            env={**os.environ, "EVIDENCE_CONFIG": str(config)})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"evidence: error: {config}: unknown key 'colour' (known: db, ")


def test_desk_keys_and_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "evidence.toml"
    config.write_text('allowed_hosts = ["desk.team.example", "10.0.0.5"]\n'
                      'desk_users = "/etc/evidence/desk-users"\n', encoding="utf-8")
    for name in ("EVIDENCE_ALLOWED_HOSTS", "EVIDENCE_DESK_USERS"):
        monkeypatch.delenv(name, raising=False)
    assert apply_config_file(config) == {
        "EVIDENCE_ALLOWED_HOSTS": "desk.team.example,10.0.0.5",
        "EVIDENCE_DESK_USERS": "/etc/evidence/desk-users"}
