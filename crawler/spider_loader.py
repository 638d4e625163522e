"""SPIDER_LOADER_CLASS that makes one spider per source file, so `scrapy list` shows them all.

Each source's spider subclasses its strategy's spider, looked up by name in the registry
(crawler/strategies.py) once a scan of crawler/spiders/ (Scrapy's ``walk_modules_iter``, which
reads a zipped egg too) has imported every strategy module.
"""

from __future__ import annotations

import builtins
import sys
from pathlib import Path
from typing import Any

from scrapy.http import Request
from scrapy.spiders import Spider
from scrapy.utils.misc import walk_modules_iter

from crawler.sources import SourceConfig, SourceError, load_sources
from crawler.strategies import registered

STRATEGY_PACKAGE = "crawler.spiders"


def strategies() -> dict[str, type[Spider]]:
    """Return every strategy's spider class by name, once the strategy modules are imported."""
    list(walk_modules_iter(STRATEGY_PACKAGE))  # a module already imported is not run again
    return registered()


def spider_for(source: SourceConfig) -> type[Spider]:
    """Build the spider class of one source: its strategy's class, named after the source."""
    base = registered().get(source.strategy) or strategies()[source.strategy]
    class_name = "".join(part.title() for part in source.slug.split("-")) + "Spider"
    return type(class_name, (base,), {"name": source.slug, "source": source})


class SourceSpiderLoader:
    """Load spiders from source definitions instead of Python modules."""

    def __init__(self, sources: dict[str, SourceConfig]) -> None:
        self._sources = sources
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
            slug for slug, source in self._sources.items()
            if any(urlsplit(u).netloc == host for u in source.start_urls)
        ]
