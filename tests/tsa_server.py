"""The local TSA of the tests (demo/tsa.py: `openssl ts -reply` behind HTTP on 127.0.0.1) with a
test CA made in the test; a test using it skips when openssl is not installed."""

from __future__ import annotations

import pytest

from demo import tsa


class LocalTsa(tsa.LocalTsa):
    """demo.tsa.LocalTsa that skips the test instead of failing without openssl."""

    def __enter__(self) -> LocalTsa:
        try:
            super().__enter__()
        except tsa.TsaUnavailable as exc:
            pytest.skip(str(exc))
        return self
