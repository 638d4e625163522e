"""Check every manifest (a run's, a render session's) against the files it names and its RFC
3161 token (db/tokens.py).

- the manifest's text still hashes to its stored SHA-256 (else it was altered);
- every file it names still has that SHA-256 over the bytes it names (a WARC file may have grown
  since: appends leave its first bytes as they were), or is named missing or changed;
- its token's message imprint is the SHA-256 of the manifest's text (else it is a token for
  another digest), and the token's signature verifies through the TSA's certificate up to the
  configured certificates (``tsa_ca``); without them a token cannot be checked, which fails too;
- a manifest without a token is a warning, "not timestamped", and so are ended runs without a
  manifest (crawled by `scrapy crawl` or before manifests, or whose manifest was deleted) and
  screenshots that no manifest lists (a render killed before it sealed, or made before render
  manifests);
- with no ``tsa_ca`` configured, the tokens of `evidence demo`'s local TSA, on runs of the demo's
  sources only, are checked against the demo CA in the data folder (``demo-tsa/ca.pem``), with a
  warning that it is a demo authority, not a trusted one (db/stamp_check.py); a configured
  ``tsa_ca`` is used for every token.
"""

from __future__ import annotations

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
    subject,
    text_sha256,
    unlisted_screenshots,
)
from db.models import RunManifest
from db.stamp_check import Authorities
from db.tokens import DEMO_TSA_FOLDER, token_problem

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
        note("manifest", subject(row), f"malformed {line}", True)
    for entry in entries:
        problem = entry_problem(data_dir, entry)
        if problem:
            note("manifest", f"{subject(row)}: {entry.path}", problem, True)
    return len(entries)


def check_token(row: RunManifest, certs: list[x509.Certificate] | None, note: Report) -> None:
    """Check a manifest's token against the manifest's text and the TSA certificates."""
    name = subject(row)
    if row.token is None:
        note("timestamp", name, "not timestamped (`evidence timestamp --pending` stamps "
             f"it{': ' + row.stamp_error if row.stamp_error else ''})", False)
        return
    if certs is None:
        note("timestamp", name, "its token cannot be checked: no TSA certificates "
             "configured (tsa_ca / EVIDENCE_TSA_CA)", True)
        return
    problem = token_problem(row.token, text_sha256(row.body), certs)
    if problem:
        note("timestamp", name, problem, True)


def verify_manifests(session: Session, data_dir: Path, tsa_ca: bytes | None,
                     note: Report) -> dict[str, int]:
    """Check every manifest, its files and its token; return what was checked, by kind."""
    authorities = Authorities.load(data_dir, tsa_ca)
    checked = {"manifests": 0, "manifest files": 0, "timestamp tokens": 0}
    by_demo = 0
    for row in all_manifests(session):
        checked["manifests"] += 1
        actual = text_sha256(row.body)
        if actual != row.sha256:
            note("manifest", subject(row), f"altered: its text hashes to {actual}, "
                 f"the stored digest is {row.sha256}", True)
        checked["manifest files"] += check_files(row, data_dir, note)
        checked["timestamp tokens"] += row.token is not None
        certs, from_demo = authorities.for_manifest(session, row)
        by_demo += from_demo and row.token is not None
        check_token(row, certs, note)
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
    count, _ = unlisted_screenshots(session)
    if count:
        note("manifest", f"{count} screenshots", "in no manifest (a render stopped before it "
             "sealed one, or made before render manifests): `evidence timestamp --pending` "
             "seals and stamps them", False)
    return checked
