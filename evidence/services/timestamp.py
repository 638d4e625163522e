"""Trusted timestamps (RFC 3161) of manifests from a configured Time Stamping Authority.

At the end of each run, and of each standalone `evidence render`, its manifest
(db/manifests.py) is stored and, with a TSA configured
(``tsa_url`` / $EVIDENCE_TSA_URL), sent as a TimeStampReq (SHA-256 imprint, a nonce, the TSA's
certificate requested) over HTTP; the reply is checked (granted, our imprint and nonce, and
with ``tsa_ca`` / $EVIDENCE_TSA_CA its signature up to those certificates) and stored whole.
Without a TSA, or when it fails, the run still succeeds: the manifest stays "not timestamped"
with the reason, and ``evidence timestamp --pending`` stamps it later (first sealing the runs
that have no manifest and the screenshots that no manifest lists).
"""

from __future__ import annotations

import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

from db.clock import utc_iso, utcnow
from db.engine import session_scope
from db.manifests import (
    build_manifest,
    build_render_manifest,
    manifest_for_run,
    record_failure,
    record_token,
    runs_without_manifest,
    save_manifest,
    subject,
    unlisted_screenshots,
    unstamped,
)
from db.models import RunManifest
from db.stamp_check import Authorities
from db.tokens import decode, facts, load_certificates, token_problem

logger = logging.getLogger(__name__)

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
MAX_REPLY = 1 << 20
NOT_CONFIGURED = "no TSA configured (tsa_url / EVIDENCE_TSA_URL)"


class TsaError(Exception):
    """A timestamp that could not be had, in one line."""


@dataclass(frozen=True)
class Tsa:
    """Where to ask for timestamps and which certificates their signatures must chain to."""

    url: str
    ca_file: Path | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class Stamped:
    """What became of one manifest: timestamped (``error`` empty) or why not."""

    subject: str  # "run 5", "render session 7"
    sha256: str
    entries: int
    error: str = ""
    when: str = ""  # the token's time, UTC

    def line(self) -> str:
        """One line for the terminal and the report."""
        what = f"{self.subject}: manifest of {self.entries} files (sha256 {self.sha256})"
        if self.error:
            return f"{what}: not timestamped: {self.error}"
        return f"{what}: timestamped at {self.when}"


def configured_tsa() -> Tsa | None:
    """The TSA of the configuration ($EVIDENCE_TSA_URL, _CA, _TIMEOUT), or None."""
    url = os.environ.get("EVIDENCE_TSA_URL", "").strip()
    if not url:
        return None
    ca = os.environ.get("EVIDENCE_TSA_CA", "").strip()
    timeout = float(os.environ.get("EVIDENCE_TSA_TIMEOUT", "") or 30)
    return Tsa(url, Path(ca).expanduser() if ca else None, timeout)


def configured_ca() -> bytes | None:
    """The PEM bundle tokens are checked against ($EVIDENCE_TSA_CA), or None."""
    ca = os.environ.get("EVIDENCE_TSA_CA", "").strip()
    return Path(ca).expanduser().read_bytes() if ca else None


def checked_ca() -> bytes | None:
    """The configured TSA certificates (PEM), or None; a file that cannot be used is a
    UserError."""
    from evidence.services.errors import UserError

    try:
        pem = configured_ca()
        if pem is not None:
            load_certificates(pem)
    except (OSError, ValueError) as exc:
        raise UserError(f"tsa_ca (EVIDENCE_TSA_CA): cannot read the TSA certificates: {exc}") \
            from None
    return pem


def authorities(data_dir: Path) -> Authorities:
    """The certificates stored tokens are checked against (db/stamp_check.py): the configured
    tsa_ca, else the demo CA in the data folder; none when tsa_ca cannot be read."""
    try:
        return Authorities.load(data_dir, configured_ca())
    except (OSError, ValueError):
        logger.warning("tsa_ca (EVIDENCE_TSA_CA) cannot be read: timestamp tokens not checked")
        return Authorities(None, None)


def _post(tsa: Tsa, query: bytes) -> bytes:
    """Send a TimeStampReq; return the reply's bytes, or raise TsaError saying why not."""
    request = urllib.request.Request(tsa.url, data=query, headers={"Content-Type": QUERY_TYPE})
    try:
        with urllib.request.urlopen(request, timeout=tsa.timeout) as answer:  # noqa: S310
            kind = answer.headers.get_content_type()
            body: bytes = answer.read(MAX_REPLY + 1)
    except urllib.error.HTTPError as exc:
        raise TsaError(f"the TSA answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TsaError(f"the TSA cannot be reached: {reason}") from None
    if kind != REPLY_TYPE:
        raise TsaError(f"the TSA answered {kind}, not {REPLY_TYPE}")
    if len(body) > MAX_REPLY:
        raise TsaError("the TSA's reply is over 1 MiB")
    return body


def request_token(tsa: Tsa, body: str, digest: str) -> bytes:
    """A checked timestamp reply for a manifest text whose SHA-256 is ``digest``."""
    query = (TimestampRequestBuilder().data(body.encode("utf-8"))
             .hash_algorithm(HashAlgorithm.SHA256).nonce(nonce=True)
             .cert_request(cert_request=True).build())
    reply = _post(tsa, query.as_bytes())
    try:
        response = decode(reply)
    except ValueError as exc:
        raise TsaError(str(exc)) from None
    if response.status not in (0, 1):  # granted, granted with modifications
        raise TsaError(f"the TSA refused: status {response.status} "
                       f"{' '.join(response.status_string)}".strip())
    if response.tst_info.nonce != query.nonce:
        raise TsaError("the TSA's reply carries another nonce than our request")
    if tsa.ca_file is not None:
        problem = token_problem(reply, digest, load_certificates(tsa.ca_file.read_bytes()))
        if problem:
            raise TsaError(f"the TSA's token fails: {problem}")
    elif facts(response).imprint != digest:
        raise TsaError("the TSA's token is for another digest")
    return reply


def stamp(row: RunManifest, tsa: Tsa | None) -> Stamped:
    """Obtain and keep a manifest's token; on failure keep the reason (the row is in a session)."""
    name = subject(row)
    if tsa is None:
        record_failure(row, None, NOT_CONFIGURED)
        return Stamped(name, row.sha256, row.entries, NOT_CONFIGURED)
    try:
        token = request_token(tsa, row.body, row.sha256)
    except (TsaError, OSError, ValueError) as exc:
        record_failure(row, tsa.url, str(exc))
        return Stamped(name, row.sha256, row.entries, str(exc))
    gen_time = facts(decode(token)).gen_time
    record_token(row, token, tsa.url, gen_time)
    return Stamped(name, row.sha256, row.entries, when=f"{gen_time:%Y-%m-%d %H:%M:%S} UTC "
                   f"by {tsa.url}")


def store_manifest(engine: Any, data_dir: Path, run_id: int, extra: Iterable[str] = ()) -> None:
    """Build and store a run's manifest (with ``extra`` files), unless it has one."""
    with session_scope(engine) as session:
        if manifest_for_run(session, run_id) is None:
            body, unreadable = build_manifest(session, data_dir, run_id, extra)
            for problem in unreadable:
                logger.warning("run %s: manifest leaves out %s", run_id, problem)
            save_manifest(session, run_id, body)


def seal_run(engine: Any, data_dir: Path, run_id: int, extra: Iterable[str] = ()) -> Stamped:
    """Build and store a run's manifest (with ``extra``: the files a rendering inside the run
    wrote), then timestamp it if a TSA is configured."""
    store_manifest(engine, data_dir, run_id, extra)
    with session_scope(engine) as session:  # the manifest is kept even if stamping fails
        row = manifest_for_run(session, run_id)
        assert row is not None
        return stamp(row, configured_tsa())


def store_render_manifest(engine: Any, data_dir: Path, what: str, files: Iterable[str]) -> int:
    """Build and store a render session's manifest of ``files``; return its id."""
    body, unreadable = build_render_manifest(data_dir, what, files)
    for problem in unreadable:
        logger.warning("render manifest leaves out %s", problem)
    with session_scope(engine) as session:
        return save_manifest(session, None, body).id


def seal_render(engine: Any, data_dir: Path, files: Iterable[str]) -> Stamped:
    """Seal the files a standalone render wrote (PNG, PDF, its WARC file) in a manifest of
    their own, then timestamp it if a TSA is configured (else `timestamp --pending` will)."""
    what = f"screenshots of `evidence render` (pid {os.getpid()}), sealed {utc_iso(utcnow())}"
    manifest_id = store_render_manifest(engine, data_dir, what, files)
    with session_scope(engine) as session:
        row = session.get(RunManifest, manifest_id)
        assert row is not None
        return stamp(row, configured_tsa())


def store_unlisted(engine: Any, data_dir: Path) -> None:
    """Seal the screenshot files that no manifest lists (a render killed before it sealed, or
    made before render manifests) in a render manifest of their own, if there are any."""
    with session_scope(engine) as session:
        count, files = unlisted_screenshots(session)
    if files:
        store_render_manifest(engine, data_dir, f"{count} screenshots that no manifest listed, "
                              f"sealed {utc_iso(utcnow())} by `evidence timestamp --pending`",
                              files)


def stamp_pending(engine: Any, data_dir: Path, tsa: Tsa) -> list[Stamped]:
    """Timestamp every manifest that has no token yet, after building those of ended runs
    that have none (crawled by `scrapy crawl`, or before manifests) and one of the screenshots
    that no manifest lists; one outcome each."""
    with session_scope(engine) as session:
        missing = runs_without_manifest(session)
    for run_id in missing:
        store_manifest(engine, data_dir, run_id)
    store_unlisted(engine, data_dir)
    with session_scope(engine) as session:
        ids = [row.id for row in unstamped(session)]
    outcomes = []
    for manifest_id in ids:
        with session_scope(engine) as session:
            row = session.get(RunManifest, manifest_id)
            assert row is not None
            outcomes.append(stamp(row, tsa))
    return outcomes


def describe(row: RunManifest | None) -> str:
    """A run's timestamp status for the morning report: timestamped when, or not and why."""
    if row is None:
        return "not timestamped: the run has no manifest (a run made before manifests)"
    what = f"manifest of {row.entries} files, sha256 {row.sha256}"
    if row.token is None:
        why = row.stamp_error or "not yet asked"
        return f"not timestamped ({what}): {why}; `evidence timestamp --pending` stamps it"
    return f"timestamped at {row.stamped_at:%Y-%m-%d %H:%M:%S} UTC by {row.tsa_url} ({what})"
