"""Which certificates a manifest's token is checked against (the configured ``tsa_ca``, else the
demo CA for the demo's own runs), and what the check of one token says; shared by
`evidence verify` (db/verify_stamps.py) and the desk's archived-copy banner (db/archived.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from sqlalchemy.orm import Session

from db.manifests import text_sha256
from db.models import CrawlRun, RunManifest
from db.tokens import (
    DEMO_TSA_FOLDER,
    from_demo_tsa,
    imprint_problem,
    load_certificates,
    token_problem,
)

# the banner's words for a capture's timestamp, strongest first
TIMESTAMPED = "timestamped"
DEMO_STAMPED = "timestamped by the demo TSA (not a trusted authority)"
UNCHECKED = "timestamp token present, not checked (no TSA certificates configured)"
FAILS = "timestamp token fails its check (see `evidence verify`)"
NOT_STAMPED = "not timestamped"
RANK = (TIMESTAMPED, DEMO_STAMPED, UNCHECKED, FAILS, NOT_STAMPED)


def demo_certs(data_dir: Path) -> list[x509.Certificate] | None:
    """The demo TSA's CA in the data folder, or None."""
    try:
        return load_certificates((data_dir / DEMO_TSA_FOLDER / "ca.pem").read_bytes())
    except (OSError, ValueError):
        return None


def demo_run(session: Session, run_id: int | None) -> bool:
    """Whether a run crawled only the demo's sources (the demo CA vouches for nothing else)."""
    run = session.get(CrawlRun, run_id) if run_id is not None else None
    try:
        slugs = json.loads(run.sources) if run is not None else []
    except ValueError:
        return False
    return (isinstance(slugs, list) and bool(slugs)
            and all(str(slug).startswith("demo-") for slug in slugs))


@dataclass(frozen=True)
class Authorities:
    """The certificates tokens are checked against: the configured ones, else the demo CA."""

    configured: list[x509.Certificate] | None
    demo: list[x509.Certificate] | None

    @classmethod
    def load(cls, data_dir: Path, tsa_ca: bytes | None) -> Authorities:
        """The configured PEM bundle (ValueError when it holds none); without it, the demo CA."""
        certs = load_certificates(tsa_ca) if tsa_ca else None
        return cls(certs, None if certs else demo_certs(data_dir))

    def for_manifest(self, session: Session,
                     row: RunManifest) -> tuple[list[x509.Certificate] | None, bool]:
        """The certificates ``row``'s token is checked against, and whether they are the demo
        CA's (no tsa_ca configured, a token of the demo TSA, a run of demo sources only)."""
        if self.configured is not None or self.demo is None:
            return self.configured, False
        if from_demo_tsa(row.tsa_url) and demo_run(session, row.run_id):
            return self.demo, True
        return None, False


def token_status(session: Session, row: RunManifest, authorities: Authorities) -> str:
    """What a manifest's token says, in the banner's words (one of RANK)."""
    if row.token is None:
        return NOT_STAMPED
    digest = text_sha256(row.body)
    if digest != row.sha256:
        return FAILS  # the manifest's text was altered after it was stamped
    if imprint_problem(row.token, digest):
        return FAILS
    certs, by_demo = authorities.for_manifest(session, row)
    if certs is None:
        return UNCHECKED  # the imprint matches; the signature cannot be checked
    if token_problem(row.token, digest, certs):
        return FAILS
    return DEMO_STAMPED if by_demo else TIMESTAMPED
