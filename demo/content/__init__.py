"""The invented demo texts, read from the YAML files beside this module (dev-only data).

``xinwen.yaml`` (news site), ``gov.yaml`` (notice portal), ``company.yaml`` (company news) and
``reports.yaml`` (its PDF reports) hold every page as a mapping of the ``Doc`` fields; keys that
are no field (a notice's ``docno``, a repost's ``repost_of`` ...) land in ``Doc.extra``. Dates
stay strings as written. ``demo.build_site`` and ``demo.build_pdfs`` render them; the runtime
(server, crawler) never imports this package.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent


@dataclass
class Doc:
    """One invented article, notice or report and what the pipeline should make of it."""

    path: str
    source: str
    title: str
    date: str  # ISO date shown on the page
    flagged: bool
    paras: list[str]
    info: str = ""  # the byline as displayed
    script: str = "hans"  # hans | hant | latin (hant pages are written simplified and converted)
    trap: str | None = None
    note: str = ""
    outlet: str = ""
    opencc: str = "s2t"  # conversion config for hant pages
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Link:
    """A listed page that is no ordinary document (missing, slow to come, blocked ...)."""

    path: str
    title: str
    date: str
    listed_at: int | None = None  # its place on the listing when not sorted in by date


@dataclass
class Report:
    """A PDF report: sections of (heading, paragraphs); a page break before each section."""

    path: str
    title: str
    date: str
    flagged: bool
    sections: list[tuple[str, list[str]]]
    trap: str | None = None
    note: str = ""


class _TextDates(yaml.SafeLoader):
    """A safe YAML loader that reads 2023-05-10 as the string it is on the page, not a date."""


_TextDates.yaml_implicit_resolvers = {
    first: [rule for rule in rules if rule[0] != "tag:yaml.org,2002:timestamp"]
    for first, rules in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_DOC_FIELDS = {f.name for f in fields(Doc)} - {"extra"}


def read(name: str) -> dict[str, Any]:
    """Read ``<name>.yaml`` of this folder."""
    data: dict[str, Any] = yaml.load((HERE / f"{name}.yaml").read_text("utf-8"), _TextDates)
    return data


def make_doc(raw: dict[str, Any], source: str, **defaults: Any) -> Doc:
    """Build a Doc from its mapping: known fields as given, other keys into ``extra``."""
    known = {k: v for k, v in raw.items() if k in _DOC_FIELDS}
    extra = {k: v for k, v in raw.items() if k not in _DOC_FIELDS}
    return Doc(**{"source": source, **defaults, **known}, extra=extra)


def make_reposts(raws: list[dict[str, Any]], originals: list[Doc]) -> list[dict[str, Any]]:
    """Give each page with ``repost_of`` and no paragraphs the paragraphs of the page it copies."""
    by_path = {doc.path: doc for doc in originals}
    return [{**raw, "paras": list(by_path[raw["repost_of"]].paras)}
            if "repost_of" in raw and "paras" not in raw else raw for raw in raws]


_XINWEN, _GOV, _COMPANY = read("xinwen"), read("gov"), read("company")

XINWEN: list[Doc] = [make_doc(raw, _XINWEN["source"]) for raw in _XINWEN["articles"]]
XINWEN_SLOW = make_doc(_XINWEN["slow"], _XINWEN["source"])
XINWEN_MISSING = Link(**_XINWEN["missing"])
XINWEN_NO_TEXT = Link(**_XINWEN["no_text"])
LATER_EDITED: dict[str, tuple[str, str]] = {
    edit["path"]: (edit["replace"], edit["with"]) for edit in _XINWEN["a_day_later"]["revised"]
}
LATER_DELETED: list[str] = _XINWEN["a_day_later"]["deleted"]

GOV_ORG: str = _GOV["org"]
GOV: list[Doc] = [make_doc(raw, _GOV["source"]) for raw in _GOV["notices"]]
GOV_MISSING = Link(**_GOV["missing"])
PRIVATE = Link(**_GOV["private"])
GOV_ATTACHMENT = make_doc(_GOV["attachment"], _GOV["source"])
QUOTA_COLUMNS: list[str] = _GOV["quota"]["columns"]
QUOTA_ROWS: list[list[Any]] = _GOV["quota"]["rows"]

COMPANY: str = _COMPANY["name"]
COMPANY_NEWS: list[Doc] = [make_doc(raw, _COMPANY["source"], outlet=COMPANY)
                           for raw in make_reposts(_COMPANY["news"], XINWEN)]
COMPANY_OVERSIZED = Link(**_COMPANY["oversized"])
COMPANY_BROKEN_PDF = Link(**_COMPANY["broken_pdf"])
COMPANY_IR_PAGE = make_doc(_COMPANY["ir_page"], _COMPANY["source"], outlet=COMPANY)

REPORTS: list[Report] = [
    Report(**{**raw, "sections": [(s["heading"], s["paras"]) for s in raw["sections"]]})
    for raw in read("reports")["reports"]
]
