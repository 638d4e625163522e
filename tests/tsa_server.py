"""A real local Time Stamping Authority for tests: OpenSSL's ``openssl ts -reply`` behind an
HTTP endpoint on 127.0.0.1, with a test CA and TSA certificate made here."""

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


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key: ec.EllipticCurvePrivateKey, issuer: str,
                 issuer_key: ec.EllipticCurvePrivateKey, ca: bool) -> x509.Certificate:
    """A certificate: a CA's (self-signed when issuer is subject), or a TSA's (EKU critical
    timeStamping, as RFC 3161 requires)."""
    now = datetime.datetime.now(datetime.UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=30))
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


def make_tsa_files(folder: Path, name: str = "Test") -> Path:
    """Write a test CA (ca.pem), a TSA certificate and key it issued, and the `openssl ts`
    configuration into ``folder``; return the configuration file."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, tsa_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(
        ec.SECP256R1())
    ca = _certificate(f"{name} Evidence CA", ca_key, f"{name} Evidence CA", ca_key, ca=True)
    tsa = _certificate(f"{name} Evidence TSA", tsa_key, f"{name} Evidence CA", ca_key, ca=False)
    (folder / "ca.pem").write_bytes(_pem(ca))
    (folder / "tsa.pem").write_bytes(_pem(tsa))
    (folder / "tsa.key").write_bytes(_key_pem(tsa_key))
    (folder / "serial").write_text("01\n")
    config = folder / "ts.cnf"
    config.write_text(TS_CONFIG.format(dir=folder))
    return config


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
                    ["openssl", "ts", "-reply", "-config", str(config), "-queryfile",
                     str(query), "-out", str(reply)], capture_output=True, check=False)
                answer = reply.read_bytes() if done.returncode == 0 else b""
            if not answer:
                self.send_error(500, "openssl ts -reply failed")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: object) -> None:
            """Quiet."""

    return Handler


@dataclass
class LocalTsa:
    """`openssl ts -reply` served on 127.0.0.1; ``url`` to request, ``ca`` to trust."""

    folder: Path
    name: str = "Test"
    url: str = ""
    server: ThreadingHTTPServer | None = None

    @property
    def ca(self) -> Path:
        """The test CA's certificate (PEM): the chain the TSA's tokens verify against."""
        return self.folder / "ca.pem"

    def __enter__(self) -> LocalTsa:
        if shutil.which("openssl") is None:
            import pytest

            pytest.skip("openssl is not installed")
        config = make_tsa_files(self.folder, self.name)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(config, threading.Lock()))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
