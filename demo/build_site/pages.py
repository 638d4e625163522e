"""Render the demo pages from the Jinja2 templates in ``demo/templates`` (strings, not files).

Autoescaping is off: the templates escape text with the ``esc`` filter (``html.escape``, whose
``&#x27;`` and ``&quot;`` the committed pages carry) and leave dates, paths and numbers as given.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import jinja2

from demo.build_site.hits import to_script
from demo.content import (
    COMPANY,
    GOV_ATTACHMENT,
    GOV_ORG,
    QUOTA_COLUMNS,
    QUOTA_ROWS,
    Doc,
    Link,
    Report,
)

TEMPLATES = Path(__file__).parents[1] / "templates"
DEMO_NOTE = "演示网站，内容虚构 / Demo site: invented content"
LANG = {"hans": "zh-CN", "hant": "zh-Hant", "latin": "en"}
Item = tuple[str, str, str]  # a listing's link: (href, text, date)


def page_name(i: int) -> str:
    """File name of listing page ``i`` (0-based), TRS style: index.html, index_1.html ..."""
    return "index.html" if i == 0 else f"index_{i}.html"


def link(page: Doc | Link | Report) -> Item:
    """A page as its listing links it: (path, title, date)."""
    return page.path, page.title, page.date


def esc(text: str) -> str:
    """Escape text for HTML."""
    return html.escape(text, quote=True)


ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
ENV.filters["esc"] = esc
ENV.globals.update(demo_note=DEMO_NOTE, org=GOV_ORG, company=COMPANY, page_name=page_name)


def render(template: str, **context: Any) -> str:
    """Render one template of ``demo/templates``."""
    return ENV.get_template(template).render(**context)


def xw_article(doc: Doc) -> str:
    """Render one news article (Traditional-script pages converted from their simplified text)."""
    return render(
        "xinwen/article.html",
        lang=LANG[doc.script],
        latin=doc.script == "latin",
        title=to_script(doc.title, doc),
        info=to_script(doc.info, doc),
        date=doc.date,
        paras=[to_script(p, doc) for p in doc.paras],
    )


def xw_listing(items: list[Item], page: int, pages: int) -> str:
    """Render listing page ``page`` (0-based) of the news site."""
    return render("xinwen/listing.html", lang="zh-CN", title="新闻中心", items=items, page=page,
                  pages=pages)


def xw_no_text() -> str:
    """A page whose article is injected by JavaScript: no extractable text, only chrome."""
    return render("xinwen/no_text.html", lang="zh-CN", title="视频")


def chinese_date(iso: str) -> str:
    """2023-04-10 as a notice signs it: 2023年4月10日."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{year}年{month}月{day}日"


def gov_notice(doc: Doc) -> str:
    """Render one government notice (a str; the caller encodes GBK)."""
    quota = QUOTA_ROWS if doc.extra.get("table") == "quota" else []
    return render("gov/notice.html", title=doc.title, meta_charset="no_meta" not in doc.extra,
                  doc=doc, signed=chinese_date(doc.extra["chengwen"]), quota=quota,
                  quota_columns=QUOTA_COLUMNS, attachment=GOV_ATTACHMENT)


def gov_listing(items: list[Item], page: int, pages: int) -> str:
    """Render a notice listing page (links relative, TRS style)."""
    return render("gov/listing.html", title="通知公告", meta_charset=True, items=items, page=page,
                  pages=pages)


def gov_private() -> str:
    """The page robots.txt keeps the crawler from."""
    return render("gov/private.html", title="内部资料", meta_charset=True)


def co_article(doc: Doc) -> str:
    """Render a company news page."""
    return render("company/article.html", title=doc.title, doc=doc)


def co_listing(title: str, items: list[Item], css: str) -> str:
    """Render a company listing."""
    return render("company/listing.html", title=title, items=items, css=css)
