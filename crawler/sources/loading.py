"""Loading source files: read the YAML, expand variables, apply the platform preset, validate.

The bundled sources are the *.yml files of this package (read through importlib.resources, so
also from inside the zipped egg Scrapyd runs); EVIDENCE_SOURCES_DIR names another folder.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from crawler.sources.model import KINDS, SourceConfig
from crawler.sources.platforms import PlatformError, apply_platform
from crawler.sources.variables import expand_variables

SOURCES_DIR = Path(__file__).resolve().parent
# a source file on disk, or inside the zipped egg Scrapyd runs (zipfile.Path reads alike)
SourcePath = Path | zipfile.Path


class SourceError(ValueError):
    """A source file that cannot be used; the message names the file and the field."""


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return f"field {field}: {first['msg']}"


def _yaml_problem(text: str, exc: yaml.YAMLError) -> str:
    """One line on a YAML syntax error: the field it is in, where, and what is wrong."""
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return f"not valid YAML: {problem}"
    keys = (re.match(r"([A-Za-z_][\w-]*)\s*:", row) for row in
            reversed(text.splitlines()[: mark.line + 1]))
    field = next((f"field {key.group(1)}: " for key in keys if key), "")
    return f"{field}not valid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"


def load_source(path: SourcePath) -> SourceConfig:
    """Load and validate one source file; raise SourceError naming file and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read: {exc}".splitlines()[0]) from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: {_yaml_problem(text, exc)}") from exc
    if not isinstance(raw, dict):
        raise SourceError(f"{path}: expected a mapping of fields, got {type(raw).__name__}")
    raw = expand_variables(raw)
    raw.setdefault("slug", path.stem)
    if isinstance(raw.get("platform"), str):
        try:
            raw = apply_platform(raw)
        except PlatformError as exc:
            raise SourceError(f"{path}: field platform: {exc}") from exc
    raw["path"] = str(path)
    _inline_urls_file(raw, path)
    try:
        source = SourceConfig.model_validate(raw)
    except ValidationError as exc:
        raise SourceError(f"{path}: {_describe(exc)}") from exc
    folder = Path(str(path)).parent.name
    if folder in KINDS and folder != source.kind:
        raise SourceError(f"{path}: field kind: {source.kind!r} but the file is in {folder}/")
    return source


def _inline_urls_file(raw: dict[str, Any], path: SourcePath) -> None:
    """Read archive.urls_file (beside the source file) into archive.urls, also inside a zip."""
    archive = raw.get("archive")
    if not isinstance(archive, dict) or not archive.get("urls_file"):
        return
    listed = path.parent / str(archive["urls_file"])  # type: ignore[operator]
    try:
        lines = listed.read_text(encoding="utf-8").splitlines()
    except (OSError, KeyError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: field archive.urls_file: cannot read {listed}: {exc}") from exc
    urls = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    archive["urls"] = [*archive.get("urls", []), *urls]
    archive["urls_file"] = None


def _bundled_sources() -> SourcePath:
    """The bundled sources folder: SOURCES_DIR in a checkout, a folder in a zipped egg."""
    root = resources.files("crawler.sources")
    return root if isinstance(root, zipfile.Path) else SOURCES_DIR


def _yml_files(folder: SourcePath) -> Iterator[SourcePath]:
    """Every *.yml file below ``folder``, none if it is missing (zipfile.Path has no rglob)."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _yml_files(entry)
        elif entry.name.endswith(".yml"):
            yield entry


def source_files(root: Path | None = None) -> list[SourcePath]:
    """Return every source file under ``root`` (default: $EVIDENCE_SOURCES_DIR or the bundled)."""
    folder = os.environ.get("EVIDENCE_SOURCES_DIR")
    base = root or (Path(folder) if folder else _bundled_sources())
    if not base.is_dir():
        raise SourceError(f"{base}: no such sources folder (EVIDENCE_SOURCES_DIR)")
    found = (p for p in _yml_files(base) if not p.name.startswith("_"))
    return sorted(found, key=lambda p: Path(str(p)).parts)


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


def source_overlays(sources: dict[str, SourceConfig] | None = None) -> dict[str, str]:
    """Each source's lexicon overlay, by slug (sources without one are left out)."""
    return {slug: source.lexicon_overlay for slug, source in (sources or load_sources()).items()
            if source.lexicon_overlay}


def source_regions(sources: dict[str, SourceConfig] | None = None) -> dict[str, str]:
    """Each source's declared Xinjiang region, by slug (sources without one are left out)."""
    return {slug: source.region for slug, source in (sources or load_sources()).items()
            if source.region}
