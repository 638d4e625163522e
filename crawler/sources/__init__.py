"""Source definitions: one YAML file per source (the *.yml files below), validated on load.

The package's public API: the source model (model.py), the loading of source files
(loading.py, with variables.py and the platform presets of platforms.py).
"""

from crawler.sources.loading import (
    SOURCES_DIR,
    SourceError,
    SourcePath,
    load_source,
    load_sources,
    source_files,
    source_overlays,
    source_regions,
)
from crawler.sources.model import (
    KINDS,
    STRATEGIES,
    Api,
    Archive,
    Edition,
    Expect,
    FilingCompany,
    Filings,
    LinkRule,
    Links,
    Pagination,
    Politeness,
    Selectors,
    SourceConfig,
    Strategy,
    TermRule,
    Windows,
)

__all__ = [
    "KINDS", "SOURCES_DIR", "STRATEGIES", "Api", "Archive", "Edition", "Expect", "FilingCompany",
    "Filings", "LinkRule", "Links", "Pagination", "Politeness", "Selectors", "SourceConfig",
    "SourceError", "SourcePath", "Strategy", "TermRule", "Windows", "load_source", "load_sources",
    "source_files", "source_overlays", "source_regions",
]
