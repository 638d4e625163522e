"""CMS platform presets: what sites built on one platform share, so a source file stays short.

Chinese government portals run on a handful of content-management systems. A source names its
platform (``platform: trs``) and only states what differs; the preset fills every field the
source leaves out, and the source's own values always win. This is the data form of "one base
spider per platform": the spider is the generic paged-listing spider either way.
"""

from __future__ import annotations

from typing import Any

_ATTACHMENTS = {"pattern": r"\.(pdf|PDF|doc|DOC|docx|DOCX|wps|WPS|xls|xlsx|XLS|XLSX)$"}


def _paged(template: str, first: int, count_pattern: str, *, body: str | None = None,
           article: dict[str, str] | None = None) -> dict[str, Any]:
    """A paged-listing preset: numbered listing pages, their count, attachments, the body."""
    links: dict[str, Any] = {"article": article} if article else {}
    links["pagination"] = {"template": template, "first": first, "count_pattern": count_pattern}
    links["attachment"] = _ATTACHMENTS
    preset: dict[str, Any] = {"strategy": "paged_listing", "links": links}
    if body:
        preset["selectors"] = {"body": body}
    return preset


PLATFORMS: dict[str, dict[str, Any]] = {
    # TRS WCM (拓尔思): channel/index.html, index_1.html ...;
    # articles ./202305/t20230510_123456.html; the pager is written by script:
    # createPageHTML(12, 0, "index", "html") (12 pages in all).
    "trs": _paged("index_{n}.html", 1, r"createPageHTML\(\s*(\d+)\s*,", body="div.TRS_Editor"),
    # The Xinjiang government site group (xinjiang.gov.cn, rst.xinjiang.gov.cn, kashi.gov.cn,
    # xjkz.gov.cn, aks.gov.cn): /<site>/c112487/list.shtml, list_2.shtml ...; articles
    # /<site>/c112487/202305/<32 hex>.shtml; pager createPageHTML('page_div',12,1,'list','shtml').
    "xjcms": _paged("list_{n}.shtml", 2, r"createPageHTML\(\s*'page_div'\s*,\s*(\d+)\s*,",
                    body="div.article-detail"),
    # The XPCC (兵团) site group: bingtuan.gov.cn, the xjbt.gov.cn departments and the division
    # (师市) portals such as btdsss.gov.cn: channel /zwgk/zcwj/index.shtml, index_2.shtml ...;
    # pager createPageHTML(12, 0, "index", "shtml"); articles /c/2023-05-10/8012345.shtml with
    # the body in div.content. Sources only name their channel.
    "xpcc": _paged("index_{n}.shtml", 2, r"createPageHTML\(\s*(\d+)\s*,", body="div.content",
                   article={"css": "ul.list li a",
                            "pattern": r"/c/\d{4}-\d{2}-\d{2}/\d+\.shtml$"}),
    # DESTOON-style PHP portals (xjht.gov.cn): article/list.php?catid=25&page=2 ...;
    # articles article/show.php?itemid=12345; "共 37 页" in the pager.
    "destoon": _paged("&page={n}", 2, r"共\s*(\d+)\s*页"),
}


class PlatformError(ValueError):
    """An unknown platform name."""


def _merge(preset: Any, own: Any) -> Any:
    """Deep-merge two YAML trees; the source's own values win, mappings merge key by key."""
    if isinstance(preset, dict) and isinstance(own, dict):
        merged = dict(preset)
        for key, value in own.items():
            merged[key] = _merge(preset.get(key), value) if key in preset else value
        return merged
    return preset if own is None else own


def apply_platform(raw: dict[str, Any]) -> dict[str, Any]:
    """Return a raw source mapping with its platform preset filled in under its own values."""
    name = raw["platform"]
    if name not in PLATFORMS:
        raise PlatformError(f"unknown platform {name!r} (known: {', '.join(sorted(PLATFORMS))})")
    return dict(_merge(PLATFORMS[name], raw))
