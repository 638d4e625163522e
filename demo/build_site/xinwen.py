"""Write the news site 天山示范新闻网 (UTF-8), and the pages that differ a day later."""

from __future__ import annotations

import dataclasses
from typing import Any

from demo.build_site.hits import to_script
from demo.build_site.manifest import doc_entry, error_entry, listing_entry
from demo.build_site.output import Output
from demo.build_site.pages import Item, link, page_name, xw_article, xw_listing, xw_no_text
from demo.content import (
    LATER_DELETED,
    LATER_EDITED,
    XINWEN,
    XINWEN_MISSING,
    XINWEN_NO_TEXT,
    XINWEN_SLOW,
)

SOURCE = "demo-xinwen"
PER_PAGE = 8


def build_xinwen(out: Output) -> None:
    """Write the news site: its articles, odd pages and listings."""
    for doc in XINWEN:
        out.write(doc.path, xw_article(doc))
        out.manifest.append(doc_entry(doc))
    out.write(XINWEN_SLOW.path, xw_article(XINWEN_SLOW))
    out.headers["paths"][XINWEN_SLOW.path] = {"route": "slow", "delay_seconds": 4}
    out.write(XINWEN_NO_TEXT.path, xw_no_text())
    pages = xw_listings()
    for i, (path, page) in enumerate(pages):
        out.write(path, page)
        out.manifest.append(listing_entry(path, SOURCE, f"listing page {i + 1}/{len(pages)}"))
    out.manifest += [
        error_entry(XINWEN_MISSING.path, SOURCE, "http_404", "listed but missing"),
        error_entry(
            XINWEN_SLOW.path,
            SOURCE,
            "timeout",
            "server sleeps 4 s before answering; source download_timeout is 2 s",
        ),
        error_entry(
            XINWEN_NO_TEXT.path,
            SOURCE,
            "no_text",
            "only navigation, sidebar, footer and scripts; no <h1>, no article-content",
        ),
    ]


def xw_listings(leave_out: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The news site's listing pages as (path, html), newest first, 8 links a page."""
    items: list[Item] = [(d.path, to_script(d.title, d), d.date) for d in XINWEN]
    items += [link(XINWEN_MISSING), link(XINWEN_SLOW), link(XINWEN_NO_TEXT)]
    items = sorted((it for it in items if it[0] not in leave_out), key=lambda it: it[2],
                   reverse=True)
    pages = [items[i : i + PER_PAGE] for i in range(0, len(items), PER_PAGE)]
    return [("/xinwen/" + page_name(i), xw_listing(chunk, i, len(pages)))
            for i, chunk in enumerate(pages)]


def build_later(out: Output) -> None:
    """Write the pages as they are a day later into site/_later/, and what changes into the
    header table ("later": per-path overrides) and the manifest ("later" of each entry)."""
    later: dict[str, Any] = out.headers["later"]
    by_path = {e["path"]: e for e in out.manifest}
    for doc in XINWEN:
        if doc.path in LATER_EDITED:
            old, new = LATER_EDITED[doc.path]
            revised = dataclasses.replace(doc, paras=[p.replace(old, new) for p in doc.paras])
            out.write("/_later" + doc.path, xw_article(revised))
            later[doc.path] = {"file": "_later" + doc.path}
            hits = doc_entry(revised)["expected_hits"]
            by_path[doc.path]["later"] = {"change": "edited", "expected_hits": hits,
                                          "replaced": [old, new]}
    for path in LATER_DELETED:
        later[path] = {"route": "gone"}
        by_path[path]["later"] = {"change": "removed", "error": "http_404"}
    for path, page in xw_listings(leave_out=tuple(LATER_DELETED)):
        out.write("/_later" + path, page)
        later[path] = {"file": "_later" + path}
