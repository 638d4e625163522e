"""The demo's timestamps: its runs' manifests stamped by a local demo TSA (demo/tsa.py) whose CA
is made once in the demo's data folder, clearly not a trusted authority; without openssl the
demo goes on and its manifests stay "not timestamped"."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TSA_ENV = ("EVIDENCE_TSA_URL", "EVIDENCE_TSA_CA")


@contextmanager
def demo_timestamps(data_dir: Path) -> Iterator[str]:
    """Serve the demo TSA and point the runs at it (the environment, which the demo's second
    crawl inherits) while the block runs; yield one line saying so, or why not."""
    from demo.tsa import TsaUnavailable, demo_tsa

    saved = {name: os.environ.get(name) for name in TSA_ENV}
    tsa = demo_tsa(data_dir)
    try:
        tsa.__enter__()
    except (TsaUnavailable, OSError, ValueError) as exc:
        os.environ["EVIDENCE_TSA_URL"] = ""  # the demo's invented pages go to no real TSA
        try:
            yield f"Timestamps: skipped: {exc}; the runs' manifests are kept, not timestamped"
        finally:
            _restore(saved)
        return
    os.environ.update({"EVIDENCE_TSA_URL": tsa.url, "EVIDENCE_TSA_CA": str(tsa.ca)})
    try:
        yield (f"Timestamps: by a demo TSA on 127.0.0.1 (OpenSSL's `openssl ts`); its CA "
               f"{tsa.ca} is a demo authority made on this machine, not a trusted one")
    finally:
        tsa.__exit__(None, None, None)
        _restore(saved)


def _restore(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
