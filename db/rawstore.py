"""Content-addressed store of raw response bytes: one file per SHA-256, never rewritten."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_hex(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class RawStore:
    """Files under ``root/sha256/ab/cd/<sha256>``; writes are atomic and idempotent."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def relpath(self, digest: str) -> str:
        """Return the store-relative path of a digest."""
        return f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"

    def path(self, digest: str) -> Path:
        """Return the absolute path of a digest's file."""
        return self.root / self.relpath(digest)

    def put(self, data: bytes) -> tuple[str, str]:
        """Store ``data`` unless already present; return (sha256, relative path)."""
        digest = sha256_hex(data)
        target = self.path(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        return digest, self.relpath(digest)

    def read(self, digest: str) -> bytes:
        """Return the stored bytes of a digest."""
        return self.path(digest).read_bytes()

    def verify(self, digest: str) -> bool:
        """Return True when the stored file exists and still hashes to ``digest``."""
        target = self.path(digest)
        return target.is_file() and sha256_hex(target.read_bytes()) == digest
