"""The real `evidence` CLI in a subprocess, for tests (Twisted's reactor cannot restart in one
process, and a subprocess is how a user meets the CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def evidence(*args: str, env: Mapping[str, str] | None = None, inherit: bool = True,
             stdin: str | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run `python -m evidence.cli ARGS` from the checkout; ``env`` is added to this process's
    environment, or replaces it when ``inherit`` is false."""
    base = dict(os.environ) if inherit else {}
    return subprocess.run([sys.executable, "-m", "evidence.cli", *args], cwd=ROOT, text=True,
                          capture_output=True, input=stdin, timeout=timeout,
                          env={**base, **(env or {})})
