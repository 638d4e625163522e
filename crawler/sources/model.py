"""The source model: one validated source definition and the blocks it is made of.

A source is data: who publishes it, what kind it is, where to start and how links and
pagination are found. Control flow stays in the generic spiders (one per strategy).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Strategy = Literal["listing", "paged_listing", "search_api", "filings", "web_archive", "epaper"]
STRATEGIES: tuple[str, ...] = get_args(Strategy)
KINDS = ("state_media", "government", "company")


def _valid_regex(pattern: str, field: str) -> None:
    """Raise ValueError naming ``field`` when ``pattern`` is not a regular expression."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{field} is not a valid regex: {exc}") from exc


def _valid_link_css(css: str | None) -> str | None:
    """Raise ValueError unless ``css`` is a selector parsel can use (the spiders' link rules)."""
    if css is not None:
        from cssselect import SelectorError
        from parsel.csstranslator import HTMLTranslator

        try:
            HTMLTranslator().css_to_xpath(css)
        except SelectorError as exc:
            raise ValueError(f"not a valid CSS selector: {str(exc).splitlines()[0]}") from exc
    return css


def _valid_soup_css(css: str | None) -> str | None:
    """Raise ValueError unless ``css`` is a selector BeautifulSoup can use (extraction)."""
    if css is not None:
        import warnings

        import soupsieve

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)  # :contains, still working
                soupsieve.compile(css)
        except (soupsieve.SelectorSyntaxError, NotImplementedError) as exc:
            raise ValueError(f"not a valid CSS selector for extraction: "
                             f"{str(exc).splitlines()[0]}") from exc
    return css


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LinkRule(_Strict):
    """How to find links: a CSS selector for <a> elements and/or a regex on absolute hrefs."""

    css: str | None = None
    pattern: str | None = None

    _css = field_validator("css")(_valid_link_css)

    @model_validator(mode="after")
    def _needs_one(self) -> LinkRule:
        if not self.css and not self.pattern:
            raise ValueError("give at least one of css or pattern")
        if self.pattern:
            _valid_regex(self.pattern, "pattern")
        return self


class Pagination(_Strict):
    """Listing pages addressed by number, as CMS platforms generate them.

    TRS: index.html, index_1.html, index_2.html ... (``template: "index_{n}.html", first: 1``);
    the page count is in a script call such as ``createPageHTML(12, 0, "index", "html")``.
    """

    template: str = Field(pattern=r"\{n\}")
    first: int = Field(default=1, ge=0)
    count_pattern: str | None = None  # regex whose group 1 is the number of listing pages

    @field_validator("count_pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            _valid_regex(value, "count_pattern")
        return value


class Links(_Strict):
    """Article links and pagination of listing pages."""

    article: LinkRule
    next_page: LinkRule | None = None
    max_pages: int = Field(default=50, ge=1)
    pagination: Pagination | None = None  # paged_listing: numbered listing pages
    attachment: LinkRule | None = None  # PDF/DOC/... linked from an article, captured too


class Politeness(_Strict):
    """Per-source crawl manners and limits."""

    download_delay: float = Field(default=1.0, ge=0)
    concurrency: int = Field(default=2, ge=1, le=64)
    download_timeout: float = Field(default=30, gt=0)
    download_maxsize: int = Field(default=20 * 1024 * 1024, gt=0)
    proxy: str | None = None


class Expect(_Strict):
    """What a healthy run of this source produces."""

    min_items: int = Field(default=1, ge=0)


class Selectors(_Strict):
    """Optional CSS selectors for extraction when the generic extractor needs help."""

    title: str | None = None
    body: str | None = None
    date: str | None = None
    publisher: str | None = None

    _css = field_validator("title", "body", "date", "publisher")(_valid_soup_css)


class TermRule(_Strict):
    """Which lexicon terms a keyword search iterates (the seed terms), plus extra ones."""

    categories: list[str] = Field(default_factory=list)
    min_weight: float = 0.0
    language: str | None = "zh"
    limit: int = Field(default=12, ge=1)
    extra: list[str] = Field(default_factory=list)


class Windows(_Strict):
    """Date windows a search or filing query is split into (``until`` empty: today)."""

    since: date
    until: date | None = None
    months: int = Field(default=12, ge=1, le=240)


class Api(_Strict):
    """A JSON(P) search or feed endpoint: request template and where results sit in the answer.

    Templates may use {term}, {page}, {start}, {end} (YYYY-MM-DD), {start_compact},
    {end_compact} (YYYYMMDD), {start_ms}, {end_ms} (epoch milliseconds, Beijing time).
    """

    url: str = Field(pattern=r"^https?://")
    method: Literal["GET", "POST"] = "GET"
    body: Literal["query", "form", "json"] = "query"
    params: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    jsonp: bool = False
    results: str = Field(min_length=1)  # dotted path to the list of results
    url_field: str = "url"
    fields: dict[str, str] = Field(default_factory=dict)  # listing_meta name -> result field
    date_field: str | None = None
    date_format: str = "%Y-%m-%d %H:%M:%S"  # or "epoch_ms"
    total_pages: str | None = None  # dotted path to the page count
    total_items: str | None = None  # dotted path to the result count (with page_size)
    page_size: int = Field(default=10, ge=1)
    first_page: int = Field(default=1, ge=0)
    max_pages: int = Field(default=10, ge=1)
    terms: TermRule | None = None
    windows: Windows | None = None


class FilingCompany(_Strict):
    """A listed company whose filings are fetched."""

    code: str = Field(pattern=r"^\d{4,6}$")
    name: str = ""


class Filings(_Strict):
    """Exchange announcement filings (cninfo for Shenzhen/Shanghai, HKEX) by stock code."""

    exchange: Literal["cninfo", "hkex"]
    companies: list[FilingCompany] = Field(default_factory=list)
    from_lexicon: bool = False  # add every lexicon company with an A-share stock code
    categories: list[str] = Field(default_factory=list)
    title_pattern: str = Field(min_length=1)
    exclude_pattern: str | None = None
    windows: Windows
    page_size: int = Field(default=30, ge=1, le=100)
    max_pages: int = Field(default=20, ge=1)


class Archive(_Strict):
    """Wayback Machine CDX captures of URL prefixes or known (deleted) URLs in a date range."""

    cdx: str = "https://web.archive.org/cdx/search/cdx"
    replay: str = "https://web.archive.org/web/{timestamp}id_/{original}"
    prefixes: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    urls_file: str | None = None  # one URL a line, relative to the source file
    since: date
    until: date | None = None
    mimetypes: list[str] = Field(default_factory=lambda: ["text/html", "application/pdf"])
    page_size: int = Field(default=500, ge=1, le=10000)

    @model_validator(mode="after")
    def _needs_targets(self) -> Archive:
        if not (self.prefixes or self.urls or self.urls_file):
            raise ValueError("give prefixes, urls or urls_file")
        return self


class Edition(_Strict):
    """A newspaper's digital edition (电子版): one issue a day, its pages (版面) link articles.

    ``issue_url`` is an issue's first page with strftime codes for the issue date, e.g.
    ``https://xjrb.ts.cn/xjrb/%Y%m%d/1.html``; ``pages`` picks the links to the issue's other
    pages on it (only those beside the first page count). Issues are walked newest first, from
    ``until`` (empty: today) back to ``since``, at most ``max_issues`` of them in one run.
    """

    issue_url: str = Field(pattern=r"^https?://.*%[dmYy]")
    pages: LinkRule
    since: date
    until: date | None = None
    max_issues: int = Field(default=31, ge=1, le=20000)


_STRATEGY_BLOCK = {
    "search_api": "api", "filings": "filings", "web_archive": "archive", "epaper": "edition",
}


class SourceConfig(_Strict):
    """One validated source definition."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    publisher: str = Field(min_length=1)
    kind: Literal["state_media", "government", "company"]
    language: str = Field(pattern=r"^[a-z]{2}(-[A-Za-z]+)?$")
    strategy: Strategy = "listing"
    platform: str | None = None  # CMS preset applied on load (crawler/sources/platforms.py)
    start_urls: list[str] = Field(min_length=1)
    links: Links
    encoding: str | None = None
    selectors: Selectors = Selectors()
    politeness: Politeness = Politeness()
    expect: Expect = Expect()
    # the Xinjiang prefecture or county a local portal serves: its notices that say only 我县
    # are anchored in Xinjiang by it (pipelines/text/detect.py)
    region: str | None = None
    # a lexicon overlay matched on this source's pages only (pipelines/lexicon/overlays/NAME.yml),
    # e.g. the demo's fictional companies
    lexicon_overlay: str | None = None
    # fetch from loopback, private, link-local and reserved addresses (crawler/guards.py): only
    # for a site served on this machine or a private network, e.g. a test server
    allow_private_addresses: bool = False
    # re-fetch stored pages with hits when their last fetch is older than this (changes, removals)
    recheck_days: float = Field(default=7.0, ge=0)
    api: Api | None = None
    filings: Filings | None = None
    archive: Archive | None = None
    edition: Edition | None = None
    path: str = ""

    @model_validator(mode="after")
    def _strategy_block(self) -> SourceConfig:
        block = _STRATEGY_BLOCK.get(self.strategy)
        if block and getattr(self, block) is None:
            raise ValueError(f"strategy {self.strategy} needs a {block}: block")
        if self.strategy == "paged_listing" and self.links.pagination is None:
            raise ValueError("strategy paged_listing needs links.pagination")
        return self

    @model_validator(mode="after")
    def _test_hosts_stay_local(self) -> SourceConfig:
        """A source on a reserved ``.test`` host (the demo's) must name a loopback proxy: such
        names never resolve, and nothing may leave the machine for them."""
        if any(_host(url).endswith(".test") for url in self.start_urls) and not _loopback(
                self.politeness.proxy):
            raise ValueError("a .test host is reached only through a proxy on 127.0.0.1: set "
                             "politeness.proxy (the demo's: ${EVIDENCE_DEMO_URL})")
        return self

    @field_validator("start_urls")
    @classmethod
    def _http_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not re.match(r"^https?://[^/\s]+", url):
                raise ValueError(f"not an http(s) URL: {url!r}")
        return urls

    @field_validator("region")
    @classmethod
    def _xinjiang_region(cls, value: str | None) -> str | None:
        from pipelines.text.lexicon import is_xinjiang_region

        if value is not None and not is_xinjiang_region(value):
            raise ValueError(f"{value!r} names no Xinjiang place of the lexicon (places.yml)")
        return value

    @field_validator("lexicon_overlay")
    @classmethod
    def _known_overlay(cls, value: str | None) -> str | None:
        from pipelines.text.lexicon import OVERLAYS, overlay_names

        if value is not None and value not in overlay_names():
            raise ValueError(f"no lexicon overlay {value!r} in pipelines/lexicon/{OVERLAYS}/")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            import codecs

            try:
                codecs.lookup(value)
            except LookupError as exc:
                raise ValueError(f"unknown encoding {value!r}") from exc
        return value

    def selector_map(self) -> dict[str, str]:
        """Return the non-empty extraction selectors as a plain mapping."""
        return {k: v for k, v in self.selectors.model_dump().items() if v}


def _host(url: str) -> str:
    """The lower-cased host name of a URL ('' when it has none)."""
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").lower()


def _loopback(proxy: str | None) -> bool:
    """Whether a proxy URL points at this machine (127.x.x.x, ::1 or localhost)."""
    import ipaddress

    host = _host(proxy if proxy and "://" in proxy else f"http://{proxy}") if proxy else ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

