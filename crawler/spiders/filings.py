"""Filings spider: exchange announcements of listed companies (cninfo, HKEX), PDFs captured.

cninfo (巨潮资讯, Shenzhen and Shanghai listings): the stock code is resolved to cninfo's orgId
with information/topSearch/query, then hisAnnouncement/query (form POST: stock=code,orgId,
column szse|sse, category, seDate=from~to, pageNum) lists announcements; each adjunctUrl is a
PDF under static.cninfo.com.cn. HKEX: search/prefix.do (JSONP) turns a stock code into a stockId,
search/titleSearchServlet.do lists documents (its "result" is JSON inside a JSON string; more rows
come by asking again with a larger rowRange). Only titles matching ``title_pattern`` (annual,
CSR/ESG reports, prospectuses) are downloaded; the PDF extractor keeps page offsets, so a hit
is cited with its page number.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Request, Response

from crawler.items import CaptureItem
from crawler.sources import FilingCompany, Filings
from crawler.spiders.api import ApiSpider, SourceBlock, date_windows, parse_when
from crawler.strategies import register

CNINFO = "http://www.cninfo.com.cn/new"
CNINFO_STATIC = "http://static.cninfo.com.cn/"
HKEX = "https://www1.hkexnews.hk"
_FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
_TAGS = re.compile(r"<[^>]+>")
Filing = tuple[str, dict[str, str]]  # a document's URL and what the exchange said about it


def lexicon_companies() -> list[FilingCompany]:
    """Return the lexicon's companies that have a Shenzhen/Shanghai stock code."""
    from pipelines.text.lexicon import load_lexicon

    found: dict[str, FilingCompany] = {}
    for company in load_lexicon().companies:
        for code in company.stock_codes:
            plain = code.split(".")[0]
            if len(plain) == 6:
                found.setdefault(plain, FilingCompany(code=plain, name=company.name))
    return list(found.values())


def cninfo_column(code: str) -> tuple[str, str]:
    """Return cninfo's (column, plate) of a code: Shanghai 6xxxxx/9xxxxx, else Shenzhen."""
    return ("sse", "sh") if code[0] in "69" else ("szse", "sz")


def cninfo_query(code: str, org_id: str, rule: Filings, span: tuple[date, date],
                 page: int) -> bytes:
    """Return the form body of one hisAnnouncement/query call."""
    column, plate = cninfo_column(code)
    form = {
        "pageNum": page, "pageSize": rule.page_size, "column": column, "tabName": "fulltext",
        "plate": plate, "stock": f"{code},{org_id}", "searchkey": "", "secid": "",
        "category": "".join(f"{c};" for c in rule.categories), "trade": "",
        "seDate": f"{span[0].isoformat()}~{span[1].isoformat()}",
        "sortName": "", "sortType": "", "isHLtitle": "true",
    }
    return urlencode(form).encode("ascii")


def hkex_query(stock_id: str, span: tuple[date, date], rows: int) -> str:
    """Return the titleSearchServlet URL of one stock and window."""
    query = {
        "sortDir": 0, "sortByOptions": "DateTime", "category": 0, "market": "SEHK",
        "stockId": stock_id, "documentType": -1, "fromDate": span[0].strftime("%Y%m%d"),
        "toDate": span[1].strftime("%Y%m%d"), "title": "", "searchType": 0, "t1code": -2,
        "t2Gcode": -2, "t2code": -2, "rowRange": rows, "lang": "zh",
    }
    return f"{HKEX}/search/titleSearchServlet.do?{urlencode(query)}"


def wanted(title: str, rule: Filings) -> bool:
    """True when a filing title is a report we keep (annual, CSR/ESG, prospectus ...)."""
    if not re.search(rule.title_pattern, title):
        return False
    return not (rule.exclude_pattern and re.search(rule.exclude_pattern, title))


def cninfo_rows(data: dict[str, Any]) -> Any:
    """Return the announcement rows of a cninfo answer."""
    return data.get("announcements") or []


def hkex_rows(data: dict[str, Any]) -> Any:
    """Return the document rows of an HKEX answer (its "result" is JSON inside a JSON string)."""
    try:
        return json.loads(data.get("result") or "null") or []
    except (TypeError, ValueError):
        return []


def cninfo_filing(row: dict[str, Any]) -> Filing | None:
    """Return (PDF URL, metadata) of one cninfo announcement row."""
    if not row.get("adjunctUrl"):
        return None
    published = parse_when(row.get("announcementTime"), "epoch_ms")
    meta = {
        "title": _TAGS.sub("", str(row.get("announcementTitle") or "")).strip(),
        "stock_code": str(row.get("secCode") or ""), "company": str(row.get("secName") or ""),
        "announcement_id": str(row.get("announcementId") or ""), "exchange": "cninfo",
        "published": published.isoformat() if published else "",
    }
    return CNINFO_STATIC + str(row["adjunctUrl"]).lstrip("/"), {k: v for k, v in meta.items() if v}


def hkex_filing(row: dict[str, Any]) -> Filing | None:
    """Return (document URL, metadata) of one HKEX title-search row."""
    if not row.get("FILE_LINK"):
        return None
    try:
        published = datetime.strptime(str(row.get("DATE_TIME")), "%d/%m/%Y %H:%M").date()
    except ValueError:
        published = None
    meta = {
        "title": " ".join(str(row.get("TITLE") or "").split()),
        "stock_code": str(row.get("STOCK_CODE") or ""), "company": str(row.get("STOCK_NAME") or ""),
        "announcement_id": str(row.get("NEWS_ID") or ""), "exchange": "hkex",
        "published": published.isoformat() if published else "",
    }
    return HKEX + str(row["FILE_LINK"]), {k: v for k, v in meta.items() if v}


@register("filings")
class FilingsSpider(ApiSpider):
    """Crawl the annual, CSR/ESG and prospectus PDFs of listed companies from an exchange."""

    listing_callbacks = ("parse_company", "parse_cninfo", "parse_hkex")
    rule = SourceBlock[Filings]("filings")

    def companies(self) -> list[FilingCompany]:
        """Return the companies to query: the source's list, then the lexicon's."""
        listed = {c.code: c for c in self.rule.companies}
        for company in lexicon_companies() if self.rule.from_lexicon else []:
            listed.setdefault(company.code, company)
        return list(listed.values())

    async def start(self) -> AsyncIterator[Request]:
        """Resolve every company's exchange identifier first."""
        for company in self.companies():
            if self.rule.exchange == "cninfo":
                body = urlencode({"keyWord": company.code, "maxNum": 10}).encode("ascii")
                url = f"{CNINFO}/information/topSearch/query"
                yield self.api_request(url, self.parse_company, method="POST", body=body,
                                       headers=_FORM, code=company.code)
            else:
                query = urlencode({"callback": "callback", "lang": "ZH", "type": "A",
                                   "name": company.code, "market": "SEHK"})
                yield self.api_request(f"{HKEX}/search/prefix.do?{query}", self.parse_company,
                                       code=company.code)

    def parse_company(self, response: Response) -> Iterator[Request | CaptureItem]:
        """Capture the identifier lookup, then ask for each window's filings."""
        item = self._capture(response, kind="listing")
        yield item
        code = response.meta["code"]
        found = None if item.error else self._identifier(response, code)
        if found is None:
            self.logger.error("%s: stock %s not found in %s", self.source.slug, code, response.url)
            self.crawler.stats.inc_value("evidence/filings_company_not_found")
            return
        for span in date_windows(self.rule.windows, self.today()):
            yield self._listing(code, found, span, 1)

    def _identifier(self, response: Response, code: str) -> str | None:
        data = self.answer(response, jsonp=self.rule.exchange == "hkex")
        rows = data if isinstance(data, list) else (data or {}).get("stockInfo") or []
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and str(row.get("code")) == code:
                return str(row.get("orgId") or row.get("stockId") or "") or None
        return None

    def _listing(self, code: str, ident: str, span: tuple[date, date], page: int) -> Request:
        meta: dict[str, Any] = {"code": code, "ident": ident, "span": span, "page": page}
        if self.rule.exchange == "cninfo":
            body = cninfo_query(code, ident, self.rule, span, page)
            return self.api_request(f"{CNINFO}/hisAnnouncement/query", self.parse_cninfo,
                                    method="POST", body=body, headers=_FORM, meta=meta)
        return self.api_request(hkex_query(ident, span, self.rule.page_size * page),
                                self.parse_hkex, meta=meta)

    def parse_cninfo(self, response: Response) -> Iterator[Request | CaptureItem]:
        """Capture one announcement page, follow wanted PDFs, then the next page."""
        yield from self._filings_page(response, cninfo_rows, cninfo_filing, more="hasMore")

    def parse_hkex(self, response: Response) -> Iterator[Request | CaptureItem]:
        """Capture one title-search answer, follow wanted documents, then ask for more rows."""
        yield from self._filings_page(response, hkex_rows, hkex_filing, more="hasNextRow")

    def _filings_page(self, response: Response, rows: Callable[[dict[str, Any]], Any],
                      filing: Callable[[dict[str, Any]], Filing | None],
                      more: str) -> Iterator[Request | CaptureItem]:
        """Capture an exchange's answer, follow its wanted filings, then ask for the next page."""
        item = self._capture(response, kind="listing")
        yield item
        data = None if item.error else self.answer(response)
        if not isinstance(data, dict):
            return
        yield from self._follow(filing(row) for row in rows(data) if isinstance(row, dict))
        if data.get(more) and response.meta["page"] < self.rule.max_pages:
            meta = response.meta
            yield self._listing(meta["code"], meta["ident"], meta["span"], meta["page"] + 1)

    def _follow(self, filings: Iterator[Filing | None]) -> Iterator[Request]:
        for filing in filings:
            if filing and wanted(filing[1].get("title", ""), self.rule):
                yield self._request(filing[0], self.parse_article, listing_meta=filing[1])
