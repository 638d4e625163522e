"""The registry of crawl strategies: each strategy's spider class registers itself by name.

A source file names its strategy (``strategy: paged_listing``). A strategy is a module in
crawler/spiders/ whose spider class is decorated with ``@register("name")`` (the name also
belongs in the source model's ``Strategy``, crawler/sources/model.py); the spider loader
(crawler/spider_loader.py) imports those modules by a scan of the package and looks the names
up here, so no module imports all the strategies and no strategy imports the loader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from scrapy import Spider

_STRATEGIES: dict[str, type[Spider]] = {}
SpiderT = TypeVar("SpiderT", bound=Spider)


def register(name: str) -> Callable[[type[SpiderT]], type[SpiderT]]:
    """Class decorator: make a spider class the strategy of this name (and its name)."""

    def add(spider: type[SpiderT]) -> type[SpiderT]:
        if _STRATEGIES.get(name, spider) is not spider:
            raise ValueError(f"strategy {name!r} is already {_STRATEGIES[name].__qualname__}")
        spider.name = name
        _STRATEGIES[name] = spider
        return spider

    return add


def registered() -> dict[str, type[Spider]]:
    """Return the spider class of every strategy registered so far, by name."""
    return dict(_STRATEGIES)
