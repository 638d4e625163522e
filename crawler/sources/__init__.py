"""Source definitions: one YAML file per source, validated on load.

A source is data: who publishes it, what kind it is, where to start and how links and
pagination are found. Control flow stays in the generic spiders (one per strategy).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SOURCES_DIR = Path(__file__).resolve().parent
STRATEGIES = ("listing",)
KINDS = ("state_media", "government", "company")

# "${EVIDENCE_DEMO_URL:-http://127.0.0.1:8741}" -> the variable's value, else the default
_ENV_REF = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?::-(?P<default>[^}]*))?\}")


class SourceError(ValueError):
    """A source file that cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LinkRule(_Strict):
    """How to find links: a CSS selector for <a> elements and/or a regex on absolute hrefs."""

    css: str | None = None
    pattern: str | None = None

    @model_validator(mode="after")
    def _needs_one(self) -> LinkRule:
        if not self.css and not self.pattern:
            raise ValueError("give at least one of css or pattern")
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regex: {exc}") from exc
        return self


class Links(_Strict):
    """Article links and pagination of listing pages."""

    article: LinkRule
    next_page: LinkRule | None = None
    max_pages: int = Field(default=50, ge=1)


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


class SourceConfig(_Strict):
    """One validated source definition."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    publisher: str = Field(min_length=1)
    kind: Literal["state_media", "government", "company"]
    language: str = Field(pattern=r"^[a-z]{2}(-[A-Za-z]+)?$")
    strategy: Literal["listing"] = "listing"
    start_urls: list[str] = Field(min_length=1)
    links: Links
    encoding: str | None = None
    selectors: Selectors = Selectors()
    politeness: Politeness = Politeness()
    expect: Expect = Expect()
    path: str = ""

    @field_validator("start_urls")
    @classmethod
    def _http_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not re.match(r"^https?://[^/\s]+", url):
                raise ValueError(f"not an http(s) URL: {url!r}")
        return urls

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


def _expand_env(value: Any) -> Any:
    """Substitute ${VAR:-default} references in every string of a parsed YAML tree."""
    if isinstance(value, str):
        return _ENV_REF.sub(lambda m: os.environ.get(m["name"], m["default"] or ""), value)
    if isinstance(value, list):
        return [_expand_env(v) for v in value]
    if isinstance(value, dict):
        return {k: _expand_env(v) for k, v in value.items()}
    return value


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return f"field {field}: {first['msg']}"


def load_source(path: Path) -> SourceConfig:
    """Load and validate one source file; raise SourceError naming file and field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SourceError(f"{path}: cannot read YAML: {exc}".splitlines()[0]) from exc
    if not isinstance(raw, dict):
        raise SourceError(f"{path}: expected a mapping of fields, got {type(raw).__name__}")
    raw = _expand_env(raw)
    raw.setdefault("slug", path.stem)
    raw["path"] = str(path)
    try:
        source = SourceConfig.model_validate(raw)
    except ValidationError as exc:
        raise SourceError(f"{path}: {_describe(exc)}") from exc
    folder = path.parent.name
    if folder in KINDS and folder != source.kind:
        raise SourceError(f"{path}: field kind: {source.kind!r} but the file is in {folder}/")
    return source


def source_files(root: Path | None = None) -> list[Path]:
    """Return every source file under ``root`` (default: the bundled sources)."""
    root = root or Path(os.environ.get("EVIDENCE_SOURCES_DIR") or SOURCES_DIR)
    return sorted(p for p in root.rglob("*.yml") if not p.name.startswith("_"))


def load_sources(root: Path | None = None) -> dict[str, SourceConfig]:
    """Load every source file; slugs must be unique."""
    sources: dict[str, SourceConfig] = {}
    for path in source_files(root):
        source = load_source(path)
        if source.slug in sources:
            raise SourceError(f"{path}: field slug: {source.slug!r} already used by "
                              f"{sources[source.slug].path}")
        sources[source.slug] = source
    return sources
