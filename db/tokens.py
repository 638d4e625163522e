"""RFC 3161 timestamp tokens: read one, and check it against a digest and a TSA's certificates.

A stored token is the TSA's whole TimeStampResp (DER), read with rfc3161-client. It holds for a
manifest when its status is granted, its message imprint is the SHA-256 of the manifest's text,
and its signature verifies through the TSA's certificate (carried in the token) up to one of the
configured root certificates (a PEM bundle: self-signed ones are roots, others intermediates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from rfc3161_client import (
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

SHA256_OID = x509.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
DEMO_TSA_FOLDER = "demo-tsa"  # in the data folder: the CA of `evidence demo`'s TSA (demo/tsa.py)
DEMO_TSA_PATH = "/demo-tsa"  # the URL path of that TSA, on 127.0.0.1


def from_demo_tsa(tsa_url: str | None) -> bool:
    """Whether a token came from `evidence demo`'s local TSA (127.0.0.1, its path)."""
    url = tsa_url or ""
    return url.startswith("http://127.0.0.1:") and url.endswith(DEMO_TSA_PATH)


@dataclass(frozen=True)
class TokenFacts:
    """What a token says: the digest it covers, when, by whom."""

    imprint: str  # hex
    sha256: bool  # the imprint's algorithm is SHA-256
    gen_time: datetime
    serial: int


def decode(token: bytes) -> TimeStampResponse:
    """Parse a stored TimeStampResp; ValueError when it is not one."""
    try:
        return decode_timestamp_response(token)
    except ValueError as exc:
        raise ValueError(f"not an RFC 3161 timestamp reply ({str(exc)[:120]})") from None


def facts(response: TimeStampResponse) -> TokenFacts:
    """The digest, algorithm, time and serial number a token states."""
    info = response.tst_info
    return TokenFacts(info.message_imprint.message.hex(),
                      info.message_imprint.hash_algorithm == SHA256_OID, info.gen_time,
                      info.serial_number)


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    """The certificates of a PEM bundle; ValueError when it holds none."""
    certs = x509.load_pem_x509_certificates(pem)
    if not certs:
        raise ValueError("no certificate in the PEM file")
    return certs


def _verifier(certs: list[x509.Certificate]) -> VerifierBuilder:
    builder = VerifierBuilder()
    for cert in certs:
        if cert.issuer == cert.subject:
            builder = builder.add_root_certificate(cert)
        else:
            builder = builder.add_intermediate_certificate(cert)
    return builder


def imprint_problem(token: bytes, digest: str) -> str | None:
    """Why ``token`` is no token of the SHA-256 ``digest`` (hex), without checking its
    signature, or None."""
    try:
        stated = facts(decode(token))
    except ValueError as exc:
        return str(exc)
    if not stated.sha256:
        return "its message imprint is not a SHA-256 digest"
    if stated.imprint != digest:
        return (f"it is a token for another digest ({stated.imprint}), not this manifest's "
                f"({digest})")
    return None


def token_problem(token: bytes, digest: str, certs: list[x509.Certificate]) -> str | None:
    """Why ``token`` does not timestamp the SHA-256 ``digest`` (hex) under ``certs``, or None."""
    problem = imprint_problem(token, digest)
    if problem:
        return problem
    try:
        _verifier(certs).build().verify(decode(token), bytes.fromhex(digest))
    except (VerificationError, ValueError) as exc:
        return ("its signature does not verify against the configured TSA certificates: "
                f"{str(exc)[:200]}")
    return None
