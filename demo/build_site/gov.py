"""Write the government portal 示范地区人力资源和社会保障局 (GBK bytes) and its Word attachment."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import docx

from demo.build_site.manifest import doc_entry, error_entry, listing_entry, page_entry
from demo.build_site.output import DOCX_TYPE, Output
from demo.build_site.pages import gov_listing, gov_notice, gov_private, link, page_name
from demo.content import (
    GOV,
    GOV_ATTACHMENT,
    GOV_MISSING,
    GOV_ORG,
    PRIVATE,
    QUOTA_COLUMNS,
    QUOTA_ROWS,
)

SOURCE = "demo-gov"
GOV_HEADER = {
    "utf-8": "text/html; charset=utf-8",
    "gbk": "text/html; charset=GBK",
    "none": "text/html",
}
FIRST_PAGE = 6  # links on the first listing page
FIXED_DATE = (2023, 4, 12, 9, 0, 0)


def build_gov(out: Output) -> None:
    """Write the notices, the listings, the attachment and the page robots.txt forbids."""
    for doc in GOV:
        out.write(doc.path, gov_notice(doc), "gbk")
        ctype = GOV_HEADER[doc.extra["header"]]
        out.headers["paths"][doc.path] = {"Content-Type": ctype}
        e = doc_entry(
            doc,
            docno=doc.extra["docno"],
            chengwen=doc.extra["chengwen"],
            encoding="gbk",
            content_type=ctype,
            has_meta_charset="no_meta" not in doc.extra,
        )
        if doc.extra["header"] == "utf-8":
            e["mislabelled"] = True
        out.manifest.append(e)
    build_listings(out)
    out.manifest.append(error_entry(GOV_MISSING.path, SOURCE, "http_404", "listed but missing"))
    build_attachment(out)
    out.write(PRIVATE.path, gov_private(), "gbk")
    out.manifest.append(page_entry(
        PRIVATE.path, SOURCE, "blocked",
        "robots.txt disallows /private/; linked from gov listing page 2; must never be fetched"))


def build_listings(out: Output) -> None:
    """Write the two notice listings (links relative, the blocked page at its fixed place)."""
    items = [*map(link, GOV), link(GOV_MISSING)]
    items.sort(key=lambda it: it[2], reverse=True)
    items = [("." + path.removeprefix("/gov/tzgg"), title, date) for path, title, date in items]
    place = len(items) if PRIVATE.listed_at is None else PRIVATE.listed_at
    items.insert(place, ("../.." + PRIVATE.path, PRIVATE.title, PRIVATE.date))
    pages = [items[:FIRST_PAGE], items[FIRST_PAGE:]]
    for i, chunk in enumerate(pages):
        path = "/gov/tzgg/" + page_name(i)
        out.write(path, gov_listing(chunk, i, len(pages)), "gbk")
        out.headers["paths"][path] = {"Content-Type": GOV_HEADER["gbk"]}
        out.manifest.append(
            listing_entry(path, SOURCE, f"listing page {i + 1}/{len(pages)} (GBK)"))


def docx_bytes(title: str, paras: list[str], rows: list[list[str]], author: str,
               created: datetime) -> bytes:
    """A .docx of a heading, the paragraphs and one table, with fixed properties and zip dates."""
    document = docx.Document()
    document.add_heading(title, level=1)
    for para in paras:
        document.add_paragraph(para)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = created
    props.revision = 1
    saved = io.BytesIO()
    document.save(saved)
    return fixed_zip(saved.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with every entry dated 1980-01-01, so the bytes do not depend on the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(fixed, old.read(info.filename))
    return out.getvalue()


def build_attachment(out: Output) -> None:
    """Write the quota notice's Word attachment and its manifest entry."""
    rows = [list(QUOTA_COLUMNS)] + [[str(cell) for cell in row] for row in QUOTA_ROWS]
    doc = GOV_ATTACHMENT
    out.write(doc.path, docx_bytes(doc.title, doc.paras, rows, GOV_ORG, datetime(*FIXED_DATE)))
    out.manifest.append(doc_entry(GOV_ATTACHMENT, content_type=DOCX_TYPE))
