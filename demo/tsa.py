"""A local Time Stamping Authority: OpenSSL's ``openssl ts -reply`` behind HTTP on 127.0.0.1.

    with LocalTsa(folder) as tsa:      # a CA and a TSA certificate it issued, in ``folder``
        os.environ["EVIDENCE_TSA_URL"], os.environ["EVIDENCE_TSA_CA"] = tsa.url, str(tsa.ca)

It is the real protocol (RFC 3161 requests answered and signed by OpenSSL), but its authority is
one made on this machine: a token it signs proves nothing to anyone who does not trust that CA.
``evidence demo`` runs one (``demo_tsa``: its CA in the demo's data folder, made once and reused,
named "… DEMO … not a trusted authority"); the tests run one with a CA made in the test.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from db.tokens import DEMO_TSA_FOLDER, DEMO_TSA_PATH
from demo.server import send_bytes

TS_CONFIG = """\
[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""
FILES = ("ca.pem", "tsa.pem", "tsa.key", "serial")
DEMO_NAME = "evidence-pipeline DEMO (not a trusted authority)"
DEMO_NOTE = """\
A demo Time Stamping Authority made by `evidence demo` on this machine (OpenSSL's `openssl ts`).
Its CA (ca.pem) is NOT a trusted authority: a token it signed shows how RFC 3161 timestamps
work, and proves nothing to anyone else. Configure a real TSA (tsa_url, tsa_ca) for evidence.
"""


class TsaUnavailable(Exception):
    """The local TSA cannot run here (no openssl), in one line."""


def openssl() -> str | None:
    """The openssl binary, or None when it is not installed."""
    return shutil.which("openssl")


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key: ec.EllipticCurvePrivateKey, issuer: str,
                 issuer_key: ec.EllipticCurvePrivateKey, ca: bool,
                 days: int) -> x509.Certificate:
    """A certificate: a CA's (self-signed when issuer is subject), or a TSA's (EKU critical
    timeStamping, as RFC 3161 requires)."""
    now = datetime.datetime.now(datetime.UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_tsa_files(folder: Path, name: str = "Test", days: int = 30) -> Path:
    """Write a CA (ca.pem), a TSA certificate and key it issued, and the `openssl ts`
    configuration into ``folder``; return the configuration file."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, tsa_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(
        ec.SECP256R1())
    ca = _certificate(f"{name} Evidence CA", ca_key, f"{name} Evidence CA", ca_key, True, days)
    tsa = _certificate(f"{name} Evidence TSA", tsa_key, f"{name} Evidence CA", ca_key, False,
                       days)
    (folder / "ca.pem").write_bytes(_pem(ca))
    (folder / "tsa.pem").write_bytes(_pem(tsa))
    key = folder / "tsa.key"
    key.touch(mode=0o600)
    key.write_bytes(_key_pem(tsa_key))
    (folder / "serial").write_text("01\n")
    return write_config(folder)


def write_config(folder: Path) -> Path:
    """(Re)write the `openssl ts` configuration for the files in ``folder``; return it."""
    config = folder / "ts.cnf"
    config.write_text(TS_CONFIG.format(dir=folder.resolve()))
    return config


def reuse_or_make(folder: Path, name: str, days: int) -> Path:
    """The configuration of the TSA files in ``folder``, made there first if any is missing."""
    if all((folder / f).is_file() for f in FILES) and _still_valid(folder / "tsa.pem"):
        return write_config(folder)
    return make_tsa_files(folder, name, days)


def _still_valid(pem: Path) -> bool:
    """Whether a certificate is valid for another day at least."""
    try:
        cert = x509.load_pem_x509_certificate(pem.read_bytes())
    except ValueError:
        return False
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    return cert.not_valid_after_utc > soon


def _handler(config: Path, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """POST a TimeStampReq (DER), get `openssl ts -reply`'s TimeStampResp."""

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            """Answer one timestamp request with OpenSSL."""
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock, tempfile.TemporaryDirectory() as tmp:
                query, reply = Path(tmp) / "q.tsq", Path(tmp) / "r.tsr"
                query.write_bytes(body)
                done = subprocess.run(
                    [openssl() or "openssl", "ts", "-reply", "-config", str(config),
                     "-queryfile", str(query), "-out", str(reply)],
                    capture_output=True, check=False)
                answer = reply.read_bytes() if done.returncode == 0 else b""
            if not answer:
                self.send_error(500, "openssl ts -reply failed")
                return
            send_bytes(self, 200, "application/timestamp-reply", answer)

        def log_message(self, *_args: object) -> None:
            """Quiet."""

    return Handler


@dataclass
class LocalTsa:
    """`openssl ts -reply` served on 127.0.0.1; ``url`` to request, ``ca`` to trust.

    A new CA is made in ``folder`` on every start, unless ``reuse`` (the demo's: made once)."""

    folder: Path
    name: str = "Test"
    url: str = ""
    server: ThreadingHTTPServer | None = None
    reuse: bool = False
    days: int = 30
    path: str = "/tsa"

    @property
    def ca(self) -> Path:
        """The CA's certificate (PEM): the chain the TSA's tokens verify against."""
        return self.folder / "ca.pem"

    def __enter__(self) -> LocalTsa:
        if openssl() is None:
            raise TsaUnavailable("openssl is not installed (apt-get install openssl)")
        config = (reuse_or_make(self.folder, self.name, self.days) if self.reuse
                  else make_tsa_files(self.folder, self.name, self.days))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(config, threading.Lock()))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def demo_tsa(data_dir: Path) -> LocalTsa:
    """The demo's TSA: its CA in ``<data dir>/demo-tsa`` (made once, reused, labelled DEMO)."""
    folder = data_dir / DEMO_TSA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.txt").write_text(DEMO_NOTE, encoding="utf-8")
    return LocalTsa(folder, DEMO_NAME, reuse=True, days=3650, path=DEMO_TSA_PATH)

