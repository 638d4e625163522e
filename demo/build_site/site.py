"""Build the whole demo site: the three sites, the later pages, the shared files, the tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from demo.build_site.company import build_company
from demo.build_site.gov import build_gov
from demo.build_site.output import Output
from demo.build_site.pages import render
from demo.build_site.xinwen import build_later, build_xinwen

DEMO = Path(__file__).parents[1]


def write_json(path: Path, data: Any) -> None:
    """Write JSON as the committed tables are: UTF-8, one-space indent, a final newline."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def build(folder: Path = DEMO) -> None:
    """Write every generated file (PDF reports excepted): ``folder/site/**``,
    ``folder/site/_headers.json`` and ``folder/manifest.json``."""
    out = Output(folder / "site")
    build_xinwen(out)
    build_gov(out)
    build_company(out)
    build_later(out)
    out.write("/robots.txt", render("robots.txt"))
    out.write("/static/site.css", render("site.css"))
    out.write("/index.html", render("index.html"))
    write_json(out.site / "_headers.json", out.headers)
    write_json(folder / "manifest.json", out.manifest)
