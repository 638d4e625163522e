"""Check a source against saved fixtures (offline replay) or its live site (rule report).

Replay runs the source's real spider callbacks and the real extraction and flagging stages on
saved responses (raw bytes with their original Content-Type), no network: each request the
spider makes is answered from ``tests/fixtures/sources/<slug>/responses.json`` when a fixture
exists and left unanswered otherwise. The summary is what ``expected.json`` must equal.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.items import CaptureItem
from crawler.sources import SourceConfig
from evidence.services.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
CHECKOUT_FIXTURES = Path("tests/fixtures/sources")  # inside a clone of the repository
# a wheel carries a copy of the checkout's fixtures here (setup.py copies them at build time)
INSTALLED_FIXTURES = Path(__file__).resolve().parents[1] / "source_fixtures"
FIXTURE_TODAY = "2024-06-30"  # the clock of every replay: windows end here, not "today"
REQUESTS_SHOWN = 15


class FixturesNotFound(UserError):
    """No folder that was looked in holds a source's fixtures."""


def fixtures_root() -> Path:
    """Return the folder new fixtures go in: $EVIDENCE_FIXTURES_DIR, else the checkout's."""
    return Path(os.environ.get("EVIDENCE_FIXTURES_DIR") or ROOT / CHECKOUT_FIXTURES)


def fixture_roots(explicit: Path | None = None) -> list[Path]:
    """Where fixtures are looked for, in order: the folder named (``--fixtures`` or
    $EVIDENCE_FIXTURES_DIR) alone; else this code's checkout, the current directory's
    checkout, and the copy an installed package carries."""
    named = explicit or os.environ.get("EVIDENCE_FIXTURES_DIR")
    if named:
        return [Path(named)]
    found = [ROOT / CHECKOUT_FIXTURES, Path.cwd() / CHECKOUT_FIXTURES, INSTALLED_FIXTURES]
    return list(dict.fromkeys(path.resolve() for path in found))


def fixture_folder(slug: str, explicit: Path | None = None) -> Path:
    """Return the first folder holding ``slug``'s fixtures; raise naming every place looked."""
    looked = [root / slug for root in fixture_roots(explicit)]
    for folder in looked:
        if (folder / "responses.json").is_file():
            return folder
    raise FixturesNotFound(
        f"no fixtures for {slug}: looked for responses.json in {', '.join(map(str, looked))} "
        "(run from a clone of the repository, or pass --fixtures DIR; CONTRIBUTING.md)")


def is_installed_copy(folder: Path) -> bool:
    """Whether a fixture folder is the read-only copy inside an installed package."""
    return folder.resolve().is_relative_to(INSTALLED_FIXTURES)


@dataclass(frozen=True)
class Fixture:
    """One saved response: the request it answers and the raw body file."""

    key: str
    file: Path
    status: int
    content_type: str | None


@dataclass
class Replay:
    """What a replay produced: every request made (in order), fixtures used, items."""

    requests: list[str] = field(default_factory=list)
    served: set[str] = field(default_factory=set)
    items: list[CaptureItem] = field(default_factory=list)


def request_key(method: str, url: str, body: bytes | None) -> str:
    """Return the key a fixture is stored under: 'METHOD URL[ BODY]'."""
    text = body.decode("utf-8", "replace") if body else ""
    return f"{method} {url}" + (f" {text}" if text else "")


def load_fixtures(folder: Path) -> dict[str, Fixture]:
    """Read responses.json: [{method, url, body?, file, status?, content_type}]."""
    entries = json.loads((folder / "responses.json").read_text(encoding="utf-8"))
    fixtures = {}
    for entry in entries:
        body = entry.get("body")
        key = request_key(entry.get("method", "GET"), entry["url"],
                          body.encode("utf-8") if body else None)
        fixtures[key] = Fixture(key, folder / entry["file"], int(entry.get("status", 200)),
                                entry.get("content_type"))
    return fixtures


def _response(request: Any, fixture: Fixture) -> Any:
    from scrapy.http import Headers
    from scrapy.responsetypes import responsetypes

    headers = Headers({"Content-Type": fixture.content_type} if fixture.content_type else {})
    body = fixture.file.read_bytes()
    cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
    return cls(url=request.url, status=fixture.status, headers=headers, body=body,
               request=request)


async def _collect(requests: Any) -> list[Any]:
    return [request async for request in requests]


def replay(
    source: SourceConfig, fixtures: dict[str, Fixture], today: str = FIXTURE_TODAY
) -> Replay:
    """Run a source's spider over saved responses, breadth first, with Scrapy's duplicate rule."""
    from scrapy.http import Request
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import BodyCharsetMiddleware
    from crawler.spider_loader import spider_for

    crawler = get_crawler(spider_for(source), {"EVIDENCE_TODAY": today})
    spider = crawler.spidercls.from_crawler(crawler)
    charset = BodyCharsetMiddleware.from_crawler(crawler)
    seen: set[bytes] = set()
    queue = deque(asyncio.run(_collect(spider.start())))
    result = Replay()
    while queue:
        request = queue.popleft()
        fingerprint = crawler.request_fingerprinter.fingerprint(request)
        if fingerprint in seen and not request.dont_filter:
            continue
        seen.add(fingerprint)
        key = request_key(request.method, request.url, request.body)
        result.requests.append(key)
        if key not in fixtures:
            continue
        result.served.add(key)
        response = charset.process_response(request, _response(request, fixtures[key]))
        for output in request.callback(response) or ():
            (queue.append if isinstance(output, Request) else result.items.append)(output)
    return result


def item_summary(item: CaptureItem) -> dict[str, Any]:
    """Return what a capture must look like: address, kind, error and citation fields."""
    row: dict[str, Any] = {"kind": item.kind, "url": item.url}
    if item.final_url != item.url:
        row["final_url"] = item.final_url
    for name in ("error", "archive_url", "archive_timestamp"):
        if getattr(item, name):
            row[name] = getattr(item, name)
    if item.listing_meta:
        row["listing_meta"] = dict(sorted(item.listing_meta.items()))
    return row


def document_summary(item: CaptureItem) -> dict[str, Any]:
    """Return what extraction made of one article capture (flagging is the lexicon's business)."""
    from dataclasses import replace

    from pipelines.stages import ProcessStage

    item = ProcessStage().process_item(replace(item))
    if item.extracted is None:
        return {"error": item.error}
    ex = item.extracted
    row: dict[str, Any] = {
        "title": ex.title, "published_at": ex.published_at.isoformat() if ex.published_at else None,
        "doc_number": ex.doc_number, "origin": ex.origin, "text_start": ex.text[:40],
    }
    if ex.page_starts:  # PDFs: each page's opening words, the unit a hit is cited by
        ends = [*ex.page_starts[1:], len(ex.text)]
        row["pages"] = [ex.text[a:b].strip()[:24] for a, b in zip(ex.page_starts, ends,
                                                                   strict=True)]
    return row


def summarise(run: Replay) -> dict[str, Any]:
    """Return the replay summary that expected.json holds."""
    articles = [i for i in run.items if i.kind == "article" and i.is_content]
    return {
        "requests_total": len(run.requests),
        "requests_head": run.requests[:REQUESTS_SHOWN],
        "items": [item_summary(i) for i in run.items],
        "documents": {i.url: document_summary(i) for i in articles},
    }


def check_fixtures(source: SourceConfig, folder: Path | None = None) -> tuple[dict[str, Any],
                                                                              list[str]]:
    """Replay a source's fixtures; return the summary and the fixtures nothing asked for."""
    folder = folder or fixture_folder(source.slug)
    fixtures = load_fixtures(folder)
    run = replay(source, fixtures)
    return summarise(run), sorted(set(fixtures) - run.served)
