"""SPIDER_LOADER_CLASS that makes one spider per source file, so `scrapy list` shows them all."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path
from typing import Any

from scrapy.http import Request
from scrapy.spiders import Spider

from crawler.sources import SourceConfig, SourceError, load_sources
from crawler.spiders.listing import spider_for


class SourceSpiderLoader:
    """Load spiders from source definitions instead of Python modules."""

    def __init__(self, sources: dict[str, SourceConfig]) -> None:
        self._spiders = {slug: spider_for(src) for slug, src in sources.items()}

    @classmethod
    def from_settings(cls, settings: Any) -> SourceSpiderLoader:
        """Build the loader from EVIDENCE_SOURCES_DIR (default: the bundled sources).

        A source file that cannot be used (or a missing folder) ends `scrapy list` and
        `scrapy crawl` with its one-line error and exit status 2, not a traceback.
        """
        folder = settings.get("EVIDENCE_SOURCES_DIR")
        try:
            return cls(load_sources(Path(folder) if folder else None))
        except SourceError as exc:
            print(f"evidence: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None

    def load(self, spider_name: str) -> type[Spider]:
        """Return the spider class of a source slug."""
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        """Return every source slug."""
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        """Return the sources whose start URLs share the request's host."""
        from urllib.parse import urlsplit

        host = urlsplit(request.url).netloc
        return [
            slug for slug, spider in self._spiders.items()
            if any(urlsplit(u).netloc == host for u in spider.source.start_urls)
        ]
