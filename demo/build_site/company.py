"""Write the company site 天河铝业有限公司 (UTF-8); its PDF reports come from demo.build_pdfs."""

from __future__ import annotations

import random

from demo.build_site.manifest import doc_entry, error_entry, listing_entry, report_entry
from demo.build_site.output import Output
from demo.build_site.pages import co_article, co_listing, link, render
from demo.content import (
    COMPANY_BROKEN_PDF,
    COMPANY_IR_PAGE,
    COMPANY_NEWS,
    COMPANY_OVERSIZED,
    REPORTS,
)

SOURCE = "demo-company"


def broken_pdf_bytes() -> bytes:
    """A truncated PDF: a header, half an object and deterministic garbage; no xref, no %%EOF."""
    rng = random.Random(2021)
    head = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [3 0 R")
    return head + bytes(rng.randrange(256) for _ in range(1500))


def build_company(out: Output) -> None:
    """Write the company site (reports are written by build_pdfs, except the broken one)."""
    for doc in COMPANY_NEWS:
        out.write(doc.path, co_article(doc))
        out.manifest.append(doc_entry(doc))
    news = [*map(link, COMPANY_NEWS), link(COMPANY_OVERSIZED)]
    news.sort(key=lambda it: it[2], reverse=True)
    out.write("/company/news/index.html", co_listing("新闻中心", news, "news-list"))
    out.headers["paths"][COMPANY_OVERSIZED.path] = {
        "route": "oversized",
        "size_bytes": 3 * 1024 * 1024,
        "Content-Type": "text/html; charset=utf-8",
    }
    out.write(COMPANY_IR_PAGE.path, co_article(COMPANY_IR_PAGE))
    out.manifest.append(doc_entry(COMPANY_IR_PAGE))
    out.manifest += [report_entry(report) for report in REPORTS]
    out.write(COMPANY_BROKEN_PDF.path, broken_pdf_bytes())
    reports = [*map(link, REPORTS), link(COMPANY_BROKEN_PDF), link(COMPANY_IR_PAGE)]
    out.write("/company/reports/index.html", co_listing("定期报告", reports, "report-list"))
    out.write("/company/index.html", render("company/index.html", title="首页"))
    out.manifest += [
        listing_entry("/company/news/index.html", SOURCE, "news listing"),
        listing_entry("/company/reports/index.html", SOURCE, "reports listing"),
        error_entry(
            COMPANY_OVERSIZED.path,
            SOURCE,
            "too_large",
            "server streams 3 MiB; source download_maxsize is 1 MiB",
        ),
        error_entry(
            COMPANY_BROKEN_PDF.path,
            SOURCE,
            "broken_pdf",
            "truncated PDF with garbage bytes, served as application/pdf",
        ),
    ]
