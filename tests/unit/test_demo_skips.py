"""The demo's screenshots and timestamps: one clear line when Chromium or openssl is missing (the
demo goes on), and the demo TSA's CA made once in the data folder, labelled a demo authority."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography import x509

from db.engine import open_database, resolve_db_url
from demo import tsa
from evidence.services import chromium
from evidence.services.demo_stamps import demo_timestamps
from evidence.services.render import render_pending


def test_without_chromium_rendering_is_one_line(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chromium, "chromium_path", lambda: None)
    engine = open_database(resolve_db_url(str(tmp_path / "e.db")))
    lines, files = render_pending(engine, tmp_path / "e-data")
    engine.dispose()
    assert files == set()
    assert lines == ["Screenshots: skipped: chromium is not installed (apt-get install "
                     "chromium); `evidence render --pending` makes them later"]


def test_without_openssl_the_manifests_are_not_timestamped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tsa, "openssl", lambda: None)
    monkeypatch.setenv("EVIDENCE_TSA_URL", "https://tsa.example.org/")
    with demo_timestamps(tmp_path) as line:
        assert line.startswith("Timestamps: skipped: openssl is not installed")
        assert "not timestamped" in line
        assert os.environ["EVIDENCE_TSA_URL"] == ""  # invented pages go to no real TSA
    assert os.environ["EVIDENCE_TSA_URL"] == "https://tsa.example.org/"


@pytest.mark.skipif(tsa.openssl() is None, reason="openssl is not installed")
def test_the_demo_ca_is_made_once_and_says_it_is_a_demo(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVIDENCE_TSA_URL", raising=False)
    monkeypatch.delenv("EVIDENCE_TSA_CA", raising=False)
    with demo_timestamps(tmp_path) as line:
        ca = tmp_path / "demo-tsa" / "ca.pem"
        assert f"its CA {ca} is a demo authority" in line and "not a trusted one" in line
        assert os.environ["EVIDENCE_TSA_CA"] == str(ca)
        assert os.environ["EVIDENCE_TSA_URL"].endswith("/demo-tsa")
        first = ca.read_bytes()
    assert "EVIDENCE_TSA_URL" not in os.environ
    with demo_timestamps(tmp_path):
        assert ca.read_bytes() == first  # reused, not made again
    subject = x509.load_pem_x509_certificate(first).subject.rfc4514_string()
    assert "DEMO (not a trusted authority)" in subject
    assert "NOT a trusted authority" in (tmp_path / "demo-tsa" / "README.txt").read_text()
