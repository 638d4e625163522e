"""Nightly scheduling: a crontab line or a systemd user service + timer, ready to install; the
nightly crawl screenshots its pages with hits before its manifest is sealed (``crawl
--render``), unless ``render`` is off (`evidence schedule --no-render`)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MARKER = "# evidence-pipeline nightly crawl"


@dataclass(frozen=True)
class Plan:
    """What a nightly run executes, where it logs, and when."""

    crawl: list[str]
    report: list[str]
    log_file: Path
    hour: int
    minute: int
    workdir: Path


def make_plan(db_url: str, data_dir: Path, sources: list[str], at: str,
              render: bool = True) -> Plan:
    """Build the commands of a nightly run at ``at`` (HH:MM, local time); ``render``: the
    crawl screenshots its pages with hits (`crawl --render`)."""
    hour, minute = (int(part) for part in at.split(":"))
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"not a time of day (HH:MM): {at!r}")
    evidence = shutil.which("evidence") or sys.executable
    base = [evidence] if evidence != sys.executable else [sys.executable, "-m", "evidence.cli"]
    targets = sources or ["--all"]
    return Plan(
        crawl=[*base, "crawl", *targets, "--db", db_url, "--no-progress",
               *(["--render"] if render else [])],
        report=[*base, "report", "--db", db_url, "--strict"],
        log_file=data_dir / "logs" / "nightly.log", hour=hour, minute=minute,
        workdir=Path.cwd(),
    )


def _shell(plan: Plan) -> str:
    log = shlex.quote(str(plan.log_file))
    return (f"cd {shlex.quote(str(plan.workdir))} && {shlex.join(plan.crawl)} >> {log} 2>&1; "
            f"{shlex.join(plan.report)} >> {log} 2>&1")


def crontab_line(plan: Plan) -> str:
    """Return one crontab line (the crawl lock makes overlapping runs exit at once)."""
    return f"{plan.minute} {plan.hour} * * * {_shell(plan)} {MARKER}"


def systemd_units(plan: Plan) -> dict[str, str]:
    """Return the service and timer unit files by name."""
    service = f"""[Unit]
Description=evidence-pipeline nightly crawl and morning report

[Service]
Type=oneshot
WorkingDirectory={plan.workdir}
ExecStart=/bin/sh -c {shlex.quote(_shell(plan))}
"""
    timer = f"""[Unit]
Description=Run evidence-pipeline every night

[Timer]
OnCalendar=*-*-* {plan.hour:02d}:{plan.minute:02d}:00
Persistent=true
RandomizedDelaySec=600

[Install]
WantedBy=timers.target
"""
    return {"evidence-crawl.service": service, "evidence-crawl.timer": timer}


def install_systemd(plan: Plan) -> list[Path]:
    """Write the user units under $XDG_CONFIG_HOME/systemd/user; return their paths."""
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    folder = config / "systemd" / "user"
    folder.mkdir(parents=True, exist_ok=True)
    plan.log_file.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in systemd_units(plan).items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


def install_crontab(plan: Plan) -> str:
    """Replace our line in the user's crontab (idempotent); return the new crontab."""
    if shutil.which("crontab") is None:
        raise FileNotFoundError("the crontab command is not installed")
    current = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
    kept = [line for line in current.stdout.splitlines() if MARKER not in line]
    table = "\n".join([*kept, crontab_line(plan)]) + "\n"
    subprocess.run(["crontab", "-"], input=table, text=True, check=True)
    plan.log_file.parent.mkdir(parents=True, exist_ok=True)
    return table
