"""A new source started: a skeleton source file that already validates and an empty fixture
folder (`evidence new-source`); nothing existing is ever overwritten."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from evidence.services.errors import UserError

SKELETON = """\
# {publisher}: TODO one paragraph on the site: its CMS, URL scheme, pagination, encoding and
# article layout, with an example URL of each page type. Then save real-shaped fixtures in
# tests/fixtures/sources/{slug}/ (see CONTRIBUTING.md) and run `evidence check-source {slug}`.
publisher: {publisher}
kind: {kind}
language: {language}
strategy: {strategy}
start_urls: ["{url}"]
links:
  article: {{pattern: "{pattern}"}}
{links_extra}{block}politeness: {{download_delay: 3, concurrency: 1}}
expect: {{min_items: 1}}
"""

BLOCKS = {
    "listing": "",
    "paged_listing": "",
    "search_api": ("api:\n  url: \"{url}\"\n  params: {{q: \"{{term}}\", page: \"{{page}}\"}}\n"
                   "  results: data.list\n  terms: {{categories: [transfer], min_weight: 3.0}}\n"
                   "  windows: {{since: 2016-01-01}}\n"),
    "filings": ("filings:\n  exchange: cninfo\n  companies: []\n  title_pattern: \"年度报告\"\n"
                "  windows: {{since: 2016-01-01}}\n"),
    "web_archive": "archive:\n  urls: [\"{url}\"]\n  since: 2016-01-01\n",
}


PAGED = "  pagination: {template: \"index_{n}.html\", first: 1}\n  max_pages: 5\n"


@dataclass(frozen=True)
class Skeleton:
    """What the skeleton says of the source."""

    slug: str
    kind: str
    strategy: str
    publisher: str
    url: str
    language: str = "zh"


def write_skeleton(new: Skeleton) -> tuple[Path, Path]:
    """Write the source file and its fixture folder; return both paths (a UserError when the
    slug is malformed or taken, or the skeleton does not validate)."""
    from crawler.sources import SOURCES_DIR, SourceError, load_source
    from evidence.services.source_check import fixtures_root

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", new.slug):
        raise UserError(f"slug {new.slug!r}: use lower-case letters, digits and hyphens")
    from crawler.sources import load_sources

    root = Path(os.environ.get("EVIDENCE_SOURCES_DIR") or SOURCES_DIR)
    if root.is_dir() and new.slug in load_sources():  # a folder still to make holds none
        raise UserError(f"source {new.slug!r} already exists: nothing written")
    path = root / new.kind / f"{new.slug}.yml"
    folder = fixtures_root() / new.slug
    for existing in (path, folder):
        if existing.exists():
            raise UserError(f"{existing} already exists: nothing written")
    extra = PAGED if new.strategy == "paged_listing" else ""
    text = SKELETON.format(publisher=new.publisher, kind=new.kind, language=new.language,
                           strategy=new.strategy, url=new.url, slug=new.slug,
                           pattern="\\\\.s?html?$", links_extra=extra,
                           block=BLOCKS[new.strategy].format(url=new.url))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    try:
        load_source(path)
    except SourceError as exc:
        path.unlink()
        raise UserError(f"skeleton did not validate: {exc}") from exc
    folder.mkdir(parents=True)
    (folder / "responses.json").write_text("[]\n", encoding="utf-8")
    return path, folder
