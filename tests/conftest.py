"""Suite-wide settings: with EVIDENCE_REQUIRE_SYSTEM=1 (set by .ci/run) a test skipped for a
missing system package (PostgreSQL, Redis, Chromium, antiword) fails instead."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    """Turn skips into failures when the environment says every system package is there."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("EVIDENCE_REQUIRE_SYSTEM") == "1":
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, but EVIDENCE_REQUIRE_SYSTEM=1: {reason}"
