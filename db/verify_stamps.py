"""Check every run manifest against the files it names and its RFC 3161 token (db/tokens.py).

- the manifest's text still hashes to its stored SHA-256 (else it was altered);
- every file it names still has that SHA-256 over the bytes it names (a WARC file may have grown
  since: appends leave its first bytes as they were), or is named missing or changed;
- its token's message imprint is the SHA-256 of the manifest's text (else it is a token for
  another digest), and the token's signature verifies through the TSA's certificate up to the
  configured certificates (``tsa_ca``); without them a token cannot be checked, which fails too;
- a manifest without a token is a warning, "not timestamped", and so are ended runs without a
  manifest (crawled by `scrapy crawl` or before manifests, or whose manifest was deleted);
- with no ``tsa_ca`` configured, the tokens of `evidence demo`'s local TSA, on runs of the demo's
  sources only, are checked against the demo CA in the data folder (``demo-tsa/ca.pem``), with a
  warning that it is a demo authority, not a trusted one; a configured ``tsa_ca`` is used for
  every token.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from sqlalchemy.orm import Session

from db.manifests import (
    Entry,
    all_manifests,
    parse_manifest,
    prefix_sha256,
    runs_without_manifest,
    text_sha256,
)
from db.models import CrawlRun, RunManifest
from db.tokens import DEMO_TSA_FOLDER, from_demo_tsa, load_certificates, token_problem

Report = Callable[[str, str, str, bool], None]  # (check, subject, detail, problem?)


def entry_problem(data_dir: Path, entry: Entry) -> str | None:
    """Why a file no longer is what the manifest line says, or None."""
    path = data_dir / entry.path
    try:
        digest, size = prefix_sha256(path, entry.size)
    except OSError as exc:
        return f"missing or unreadable ({exc.strerror or exc})"
    if size < entry.size or (size > entry.size and not entry.may_grow):
        return f"changed: {size} bytes, the manifest says {entry.size}"
    if digest != entry.sha256:
        span = f"its first {entry.size} bytes hash" if size > entry.size else "it hashes"
        return f"changed: {span} to {digest}, the manifest says {entry.sha256}"
    return None


def check_files(row: RunManifest, data_dir: Path, note: Report) -> int:
    """Check the files a manifest names; return how many."""
    entries, malformed = parse_manifest(row.body)
    for line in malformed:
        note("manifest", f"run {row.run_id}", f"malformed {line}", True)
    for entry in entries:
        problem = entry_problem(data_dir, entry)
        if problem:
            note("manifest", f"run {row.run_id}: {entry.path}", problem, True)
    return len(entries)


def check_token(row: RunManifest, certs: list[x509.Certificate] | None, note: Report) -> None:
    """Check a manifest's token against the manifest's text and the TSA certificates."""
    subject = f"run {row.run_id}"
    if row.token is None:
        note("timestamp", subject, "not timestamped (`evidence timestamp --pending` stamps "
             f"it{': ' + row.stamp_error if row.stamp_error else ''})", False)
        return
    if certs is None:
        note("timestamp", subject, "its token cannot be checked: no TSA certificates "
             "configured (tsa_ca / EVIDENCE_TSA_CA)", True)
        return
    problem = token_problem(row.token, text_sha256(row.body), certs)
    if problem:
        note("timestamp", subject, problem, True)


def _demo_certs(data_dir: Path) -> list[x509.Certificate] | None:
    """The demo TSA's CA in the data folder, or None."""
    try:
        return load_certificates((data_dir / DEMO_TSA_FOLDER / "ca.pem").read_bytes())
    except (OSError, ValueError):
        return None


def _demo_run(session: Session, run_id: int) -> bool:
    """Whether a run crawled only the demo's sources (the demo CA vouches for nothing else)."""
    run = session.get(CrawlRun, run_id)
    try:
        slugs = json.loads(run.sources) if run is not None else []
    except ValueError:
        return False
    return (isinstance(slugs, list) and bool(slugs)
            and all(str(slug).startswith("demo-") for slug in slugs))


def verify_manifests(session: Session, data_dir: Path, tsa_ca: bytes | None,
                     note: Report) -> dict[str, int]:
    """Check every manifest, its files and its token; return what was checked, by kind."""
    certs = load_certificates(tsa_ca) if tsa_ca else None
    demo = None if certs else _demo_certs(data_dir)
    checked = {"manifests": 0, "manifest files": 0, "timestamp tokens": 0}
    by_demo = 0
    for row in all_manifests(session):
        checked["manifests"] += 1
        actual = text_sha256(row.body)
        if actual != row.sha256:
            note("manifest", f"run {row.run_id}", f"altered: its text hashes to {actual}, "
                 f"the stored digest is {row.sha256}", True)
        checked["manifest files"] += check_files(row, data_dir, note)
        checked["timestamp tokens"] += row.token is not None
        from_demo = (certs is None and demo is not None and from_demo_tsa(row.tsa_url)
                     and _demo_run(session, row.run_id))
        by_demo += from_demo and row.token is not None
        check_token(row, demo if from_demo else certs, note)
    if by_demo:
        note("timestamp", "demo TSA", f"{by_demo} tokens of `evidence demo`'s local TSA checked "
             f"against its CA {data_dir / DEMO_TSA_FOLDER / 'ca.pem'}: a demo authority, not a "
             "trusted one", False)
    missing = runs_without_manifest(session)
    if missing:
        note("manifest", f"{len(missing)} runs", "no manifest (crawled by `scrapy crawl`, before "
             "manifests, or deleted): `evidence timestamp --pending` builds and stamps them "
             f"(runs {', '.join(map(str, missing[:10]))}{' …' if len(missing) > 10 else ''})",
             False)
    return checked
