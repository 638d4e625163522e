"""An `evidence export-wacz` package replays in pywb: its WARC, added to a pywb collection, serves
the archived page's original bytes from a `wayback` server on 127.0.0.1.

pywb pins redis 2.10.6, so it has a virtual environment of its own (.ci/pywb-requirements.txt,
installed by .ci/run into .ci-pywb/); ``$EVIDENCE_PYWB_BIN`` names its bin folder, else the
commands are looked up on PATH and the test skips without them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from evidence.cli import main
from tests.unit.test_store import TEXT
from tests.wacz_store import PAGES, build
from tests.web.conftest import free_port

pytestmark = [pytest.mark.server, pytest.mark.slow]
COLLECTION = "evidence"


def pywb_tool(name: str) -> str:
    """The path of a pywb command; skip when pywb is not installed."""
    folder = os.environ.get("EVIDENCE_PYWB_BIN")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found or not Path(found).exists():
        pytest.skip(f"pywb's {name} not found: install .ci/pywb-requirements.txt into a virtual "
                    "environment of its own and set EVIDENCE_PYWB_BIN to its bin folder "
                    "(.ci/run does)")
    return found


def run(args: list[str], cwd: Path) -> None:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture()
def collection(tmp_path: Path) -> Path:
    """A pywb collection made from the WARC of an exported WACZ."""
    wb_manager = pywb_tool("wb-manager")
    package = tmp_path / "evidence.wacz"
    assert main(["export-wacz", "--db", str(build(tmp_path)), "-o", str(package)]) == 0
    with zipfile.ZipFile(package) as wacz:
        wacz.extract("archive/evidence.warc.gz", tmp_path / "unpacked")
    root = tmp_path / "pywb"
    root.mkdir()
    run([wb_manager, "init", COLLECTION], root)
    run([wb_manager, "add", COLLECTION, str(tmp_path / "unpacked/archive/evidence.warc.gz")],
        root)
    return root


@pytest.fixture()
def wayback(collection: Path) -> Iterator[str]:
    """`wayback` serving the collection on 127.0.0.1 until the test ends."""
    port = free_port()
    log = open(collection / "wayback.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen([pywb_tool("wayback"), "-b", "127.0.0.1", "-p", str(port)],
                              cwd=collection, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (collection / "wayback.log").read_text()
            try:
                httpx.get(base + "/", trust_env=False, timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "wayback did not start"
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_pywb_replays_an_exported_page(wayback: str) -> None:
    page = PAGES[0]
    stamp = page.fetched_at.strftime("%Y%m%d%H%M%S")
    original = httpx.get(f"{wayback}/{COLLECTION}/{stamp}id_/{page.url}", trust_env=False,
                         timeout=30)
    assert original.status_code == 200
    assert original.content == page.body  # the original bytes, as captured
    replayed = httpx.get(f"{wayback}/{COLLECTION}/{stamp}mp_/{page.url}", trust_env=False,
                         timeout=30)
    assert replayed.status_code == 200
    assert TEXT in replayed.text  # the page as pywb's replay frame shows it (links rewritten)
