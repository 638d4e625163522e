"""An `evidence export-wacz` package replays in pywb: the .wacz itself, added to a pywb collection
(`wb-manager add --unpack-wacz`, which reads the package's WARC and reindexes it), serves the
archived page's original bytes — the same SHA-256 as the stored capture — from a `wayback`
server on 127.0.0.1.

pywb pins redis 2.10.6, so it has a virtual environment of its own (.ci/pywb-requirements.txt,
installed by .ci/run into .ci-pywb/); ``$EVIDENCE_PYWB_BIN`` names its bin folder, else the
commands are looked up on PATH and the test skips without them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from db.engine import open_database, session_scope
from db.models import Capture
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


@dataclass(frozen=True)
class Collection:
    """A pywb collection folder and the database the package was exported from."""

    root: Path
    db: Path


@pytest.fixture()
def collection(tmp_path: Path) -> Collection:
    """A pywb collection made from an exported WACZ, the package itself added."""
    wb_manager = pywb_tool("wb-manager")
    package = tmp_path / "evidence.wacz"
    db = build(tmp_path)
    assert main(["export-wacz", "--db", str(db), "-o", str(package)]) == 0
    root = tmp_path / "pywb"
    root.mkdir()
    run([wb_manager, "init", COLLECTION], root)
    run([wb_manager, "add", "--unpack-wacz", COLLECTION, str(package)], root)
    return Collection(root, db)


@pytest.fixture()
def wayback(collection: Collection) -> Iterator[str]:
    """`wayback` serving the collection on 127.0.0.1 until the test ends."""
    root = collection.root
    port = free_port()
    log = open(root / "wayback.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen([pywb_tool("wayback"), "-b", "127.0.0.1", "-p", str(port)],
                              cwd=root, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (root / "wayback.log").read_text()
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


def stored_sha256(db: Path, url: str) -> str:
    """The SHA-256 of the capture of ``url`` as the database holds it."""
    engine = open_database(str(db), create=False)
    with session_scope(engine) as session:
        digest = session.scalars(select(Capture.sha256).where(Capture.url == url)).one()
    engine.dispose()
    assert digest
    return digest


def test_pywb_replays_an_exported_page(wayback: str, collection: Collection) -> None:
    page = PAGES[0]
    assert list((collection.root / "collections" / COLLECTION / "archive").iterdir()), \
        "pywb holds nothing from the package"
    stamp = page.fetched_at.strftime("%Y%m%d%H%M%S")
    original = httpx.get(f"{wayback}/{COLLECTION}/{stamp}id_/{page.url}", trust_env=False,
                         timeout=30)
    assert original.status_code == 200
    # the original bytes, as captured: the same SHA-256 as the stored capture
    assert hashlib.sha256(original.content).hexdigest() == stored_sha256(collection.db, page.url)
    replayed = httpx.get(f"{wayback}/{COLLECTION}/{stamp}mp_/{page.url}", trust_env=False,
                         timeout=30)
    assert replayed.status_code == 200
    assert TEXT in replayed.text  # the page as pywb's replay frame shows it (links rewritten)
