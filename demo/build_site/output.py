"""What a build writes: the site's files, its manifest entries and its header table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def header_table() -> dict[str, Any]:
    """The header table's defaults for ``site/_headers.json``, before any per-path entry."""
    return {
        "_doc": "Per-path response headers and special routes for demo.server. Defaults by prefix"
        " and extension apply when a path is not listed. 'later': per-path overrides of the"
        " server's later state (a file under _later/, or the route 'gone': 404).",
        "defaults": [
            {"prefix": "/gov/", "ext": ".html", "Content-Type": "text/html; charset=GBK"},
            {"prefix": "/private/", "ext": ".html", "Content-Type": "text/html; charset=GBK"},
            {"prefix": "/", "ext": ".html", "Content-Type": "text/html; charset=utf-8"},
            {"prefix": "/", "ext": ".pdf", "Content-Type": "application/pdf"},
            {"prefix": "/", "ext": ".docx", "Content-Type": DOCX_TYPE},
            {"prefix": "/", "ext": ".txt", "Content-Type": "text/plain; charset=utf-8"},
            {"prefix": "/", "ext": ".css", "Content-Type": "text/css; charset=utf-8"},
        ],
        "paths": {},
        "later": {},
    }


@dataclass
class Output:
    """The site folder written to, with the manifest and header table gathered on the way."""

    site: Path
    manifest: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, Any] = field(default_factory=header_table)

    def write(self, path: str, data: str | bytes, encoding: str = "utf-8") -> None:
        """Write a site file given its URL path."""
        target = self.site / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
