# ruff: noqa: E501  (HTML templates are kept verbatim)
"""Render the invented demo site, its header table and the manifest (dev-only; commit the output).

    python -m demo.build_site      # writes demo/site/**, demo/site/_headers.json, demo/manifest.json
    python -m demo.build_pdfs      # writes the two PDF reports (needs reportlab)

The texts live in ``demo.content``. This script needs the standard library, ``opencc`` (for the
two Traditional-script articles) and ``python-docx`` (the Word attachment, written with fixed
properties and zip dates, so byte for byte the same each time); the runtime server reads the
written files only. ``site/_later/`` holds the pages as they are a day later (one article
revised, one deleted and dropped from its listing): ``demo.server`` serves them in its "later"
state, which ``evidence demo`` switches to for its second crawl (``_headers.json``: "later").
``expected_hits`` counts the body sentences that describe a transfer event (a move-family term,
or a surplus-labour / targeted term next to a move verb) or, in a flagged page, control,
political or cadre indicators (titles excluded; Traditional text is counted on its simplified
original). Sentences naming only who (富余劳动力, 建档立卡) or 援疆 are not hits.
"""

from __future__ import annotations

import html
import io
import json
import random
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import docx

from demo.content import (
    COMPANY,
    COMPANY_BROKEN_PDF,
    COMPANY_IR_PAGE,
    COMPANY_NEWS,
    COMPANY_OVERSIZED,
    GOV,
    GOV_ATTACHMENT,
    GOV_MISSING,
    GOV_ORG,
    LATER_DELETED,
    LATER_EDITED,
    PRIVATE,
    REPORTS,
    XINWEN,
    XINWEN_MISSING,
    XINWEN_NO_TEXT,
    XINWEN_SLOW,
    Doc,
    Report,
)

HERE = Path(__file__).parent
SITE = HERE / "site"
FOOTER_NOTE = "演示网站，内容虚构 / Demo site: invented content"

# DOMAIN.md term families (simplified script), used only to count expected hits.
FAMILIES: dict[str, list[str]] = {
    "surplus_labour": ["富余劳动力", "剩余劳动力", "富裕劳动力"],
    "transfer": ["转移就业", "劳动力转移", "劳转"],
    "organised_transfer": [
        "有组织转移",
        "成规模转移",
        "组织化转移",
        "集中输送",
        "整建制输出",
        "专列",
        "包机",
        "集中送岗",
    ],
    "channel": [
        "疆内跨地区转移",
        "转移内地",
        "转移兵团就业",
        "就地就近转移",
        "卫星工厂",
        "扶贫车间",
    ],
    "dispatch": ["援疆", "劳务输出", "劳务派遣", "劳务合作对接", "北调", "两地三年10万人就业计划"],
    "moving": ["劳务输出", "劳务派遣", "劳务合作对接", "北调", "两地三年10万人就业计划"],
    "targeted": ["南疆四地州", "南疆三地州", "深度贫困县", "建档立卡", "贫困劳动力"],
    "camp_to_work": ["职业技能教育培训中心", "教培中心", "结业学员", "安置就业"],
    "control": [
        "集中培训",
        "集中管理",
        "统一管理",
        "军事化管理",
        "跟踪管理",
        "服务管理工作站",
        "政治审查",
    ],
    "political": ["国家通用语言", "国语培训", "感党恩", "爱党爱国", "去极端化", "三股势力"],
    "cadre": ["目标责任状", "一把手工程", "入户动员", "访惠聚"],
    "soft": ["稳岗", "就地就近就业", "监测预警"],
}
EN_FAMILIES: dict[str, list[str]] = {
    "surplus_labour": ["surplus labor", "surplus labour"],
    "transfer": ["labor transfer", "transferred worker", "transfer of rural"],
    "organised_transfer": ["special train", "organized transfer"],
    "camp_to_work": ["vocational skills education"],
    "dispatch": ["poverty alleviation through employment"],
}


def split_sentences(text: str, script: str) -> list[str]:
    """Split a paragraph into sentences (zh: after 。！？; en: after . ! ? and a space)."""
    if script == "latin":
        parts = re.split(r"(?<=[.!?])\s+", text)
    else:
        parts = re.split(r"(?<=[。！？])", text)
    return [p.strip() for p in parts if p.strip()]


# Families that make a sentence a hit on their own (events or context); the others need a move.
HIT_FAMILIES = frozenset(("transfer", "organised_transfer", "channel", "camp_to_work", "control",
                          "political", "cadre", "soft", "moving"))
MOVE_VERBS = ("转移", "输送", "输出", "送岗", "上岗", "安置", "前往", "大巴", "外出务工", "transferred",
              "sent", "found")


def is_hit(sentence: str, script: str) -> bool:
    """Whether the detector should quote this sentence of a flagged page."""
    sentence = re.sub(r"《[^》]*》", "", sentence)  # a document's title is not an event
    fams = set(families_in(sentence, script)) - {"soft"} | (
        {"soft"} if "就地就近就业" in sentence else set())  # 稳岗, 监测预警: no move
    probe = sentence.lower() if script == "latin" else sentence
    return bool(fams & HIT_FAMILIES) or bool(fams) and any(v in probe for v in MOVE_VERBS)


def families_in(sentence: str, script: str) -> list[str]:
    """Return the term families a sentence contains."""
    table = EN_FAMILIES if script == "latin" else FAMILIES
    probe = sentence.lower() if script == "latin" else sentence
    return [fam for fam, terms in table.items() if any(t in probe for t in terms)]


_converters: dict[str, Any] = {}


def to_script(text: str, doc: Doc) -> str:
    """Convert simplified text to Traditional for hant docs; identity otherwise."""
    if doc.script != "hant":
        return text
    if doc.opencc not in _converters:
        import opencc  # dev-only dependency of the generator

        _converters[doc.opencc] = opencc.OpenCC(doc.opencc)
    return str(_converters[doc.opencc].convert(text))


def analyse(paras: list[str], doc: Doc) -> tuple[list[str], list[str], int]:
    """Return (evidence sentences as displayed, categories, lexicon sentence count)."""
    hits: list[str] = []
    cats: list[str] = []
    for para in paras:
        for sent in split_sentences(para, doc.script):
            fams = families_in(sent, doc.script)
            if fams and (not doc.flagged or is_hit(sent, doc.script)):
                hits.append(to_script(sent, doc))
                cats.extend(f for f in fams if f not in cats)
    return hits, cats, len(hits)


def page_name(i: int) -> str:
    """File name of listing page ``i`` (0-based), TRS style: index.html, index_1.html ..."""
    return "index.html" if i == 0 else f"index_{i}.html"


def esc(text: str) -> str:
    """Escape text for HTML."""
    return html.escape(text, quote=True)


# ---------------------------------------------------------------------------------------------
# 天山示范新闻网
# ---------------------------------------------------------------------------------------------

XW_NAV = """<div class="top-bar"><span class="date-now" id="today"></span>
<a href="/xinwen/index.html">设为首页</a> | <a href="/xinwen/index.html">加入收藏</a> | <a href="/xinwen/index.html">手机版</a></div>
<div class="header"><a class="logo" href="/xinwen/index.html">天山示范新闻网</a>
<form class="search" action="/xinwen/search" method="get"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<ul class="nav">
<li><a href="/xinwen/index.html">首页</a></li><li><a href="/xinwen/index.html">时政</a></li>
<li><a href="/xinwen/index.html">经济</a></li><li><a href="/xinwen/index.html">社会</a></li>
<li><a href="/xinwen/index.html">文化</a></li><li><a href="/xinwen/index.html">图片</a></li>
<li><a href="/xinwen/index.html">视频</a></li><li><a href="/xinwen/index.html">English</a></li>
</ul>"""

XW_SIDEBAR = """<div class="sidebar"><h3>热点排行</h3><ol class="rank">
<li><a href="/xinwen/202304/t20230426_123380.html">喀什古城迎来旅游旺季</a></li>
<li><a href="/xinwen/202305/t20230502_123420.html">寒潮来袭 北疆多地迎来降温降雪天气</a></li>
<li><a href="/xinwen/202310/t20231005_125400.html">Tourists flock to Kashgar old city</a></li>
</ol><div class="ad"><script>document.write('<img src="/static/ad.png" alt="">');</script></div></div>"""

XW_FOOTER = f"""<div class="footer"><p><a href="/xinwen/index.html">关于我们</a> | <a href="/xinwen/index.html">联系我们</a> | <a href="/xinwen/index.html">网站地图</a></p>
<p>天山示范新闻网 版权所有　示ICP备00000000号</p>
<p class="demo-note">{FOOTER_NOTE}</p></div>
<script>var _hmt = _hmt || []; (function(){{ var t = new Date(); var el = document.getElementById("today"); if (el) {{ el.textContent = t.toLocaleDateString(); }} }})();</script>"""


def xw_page(title: str, body: str, lang: str = "zh-CN", extra_head: str = "") -> str:
    """Wrap a body in the news site's chrome."""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}_天山示范新闻网</title>
{extra_head}<link rel="stylesheet" href="/static/site.css">
</head>
<body>
{XW_NAV}
<div class="container">
{body}
{XW_SIDEBAR}
</div>
{XW_FOOTER}
</body>
</html>
"""


def xw_article(doc: Doc) -> str:
    """Render one news article."""
    lang = {"hans": "zh-CN", "hant": "zh-Hant", "latin": "en"}[doc.script]
    title = to_script(doc.title, doc)
    info = to_script(doc.info, doc)
    paras = "\n".join(f"<p>{esc(to_script(p, doc))}</p>" for p in doc.paras)
    crumbs = (
        "Home &gt; News"
        if doc.script == "latin"
        else '当前位置：<a href="/xinwen/index.html">首页</a> &gt; <a href="/xinwen/index.html">新闻中心</a> &gt; 正文'
    )
    head = (
        f'<meta name="description" content="{esc(title)}">\n'
        f'<meta name="publishdate" content="{doc.date}">\n'
    )
    body = f"""<div class="crumbs">{crumbs}</div>
<div class="main">
<h1>{esc(title)}</h1>
<div class="info">{esc(info)}</div>
<div class="share">分享到：<a href="javascript:void(0)">微信</a> <a href="javascript:void(0)">微博</a></div>
<div class="article-content">
{paras}
</div>
<div class="editor">【{"Editor" if doc.script == "latin" else "编辑"}：示范】</div>
</div>"""
    return xw_page(title, body, lang, head)


def xw_listing(items: list[tuple[str, str, str]], page: int, pages: int) -> str:
    """Render listing page ``page`` (0-based) of the news site."""
    lis = "\n".join(
        f'<li><a href=".{href.removeprefix("/xinwen")}" target="_blank">{esc(t)}</a><span class="date">{d}</span></li>'
        for href, t, d in items
    )
    nav = [f'<span class="count">共{pages}页</span>', f'<a href="{page_name(0)}">首页</a>']
    if page > 0:
        nav.append(f'<a class="prev" href="{page_name(page - 1)}">上一页</a>')
    nav.append(f'<span class="current">{page + 1}</span>')
    if page < pages - 1:
        nav.append(f'<a class="next" href="{page_name(page + 1)}">下一页</a>')
    else:
        nav.append('<span class="next disabled">下一页</span>')
    nav.append(f'<a href="{page_name(pages - 1)}">尾页</a>')
    body = f"""<div class="crumbs">当前位置：<a href="/xinwen/index.html">首页</a> &gt; 新闻中心</div>
<div class="main-list"><h2 class="col-title">新闻中心</h2>
<ul class="news-list">
{lis}
</ul>
<div class="page">{" ".join(nav)}</div>
</div>"""
    return xw_page("新闻中心", body)


def xw_no_text() -> str:
    """A page whose article is injected by JavaScript: no extractable text, only chrome."""
    body = """<div class="main"><div id="app"></div>
<script>
window.__DATA__ = {"id": 100777, "tpl": "video", "src": "/static/player.js"};
(function(){ var s = document.createElement("script"); s.src = window.__DATA__.src; document.body.appendChild(s); })();
</script>
<noscript></noscript></div>"""
    return xw_page("视频", body)


# ---------------------------------------------------------------------------------------------
# 示范地区人力资源和社会保障局 (GBK)
# ---------------------------------------------------------------------------------------------

GOV_HEAD_NAV = f"""<div class="gov-top"><div class="gov-logo">{GOV_ORG}</div>
<div class="gov-links"><a href="/gov/tzgg/index.html">首页</a> | <a href="/gov/tzgg/index.html">无障碍</a> | <a href="/gov/tzgg/index.html">长者模式</a></div></div>
<ul class="gov-nav">
<li><a href="/gov/tzgg/index.html">机构概况</a></li><li><a href="/gov/tzgg/index.html">通知公告</a></li>
<li><a href="/gov/tzgg/index.html">政策文件</a></li><li><a href="/gov/tzgg/index.html">就业创业</a></li>
<li><a href="/gov/tzgg/index.html">社会保障</a></li><li><a href="/gov/tzgg/index.html">办事服务</a></li>
<li><a href="/gov/tzgg/index.html">互动交流</a></li>
</ul>"""

GOV_FOOTER = f"""<div class="gov-footer">
<p>主办单位：{GOV_ORG}　地址：示范市人民路1号　邮编：830000</p>
<p>网站标识码：6500000000　示ICP备00000001号</p>
<p class="demo-note">{FOOTER_NOTE}</p></div>"""


def gov_page(title: str, body: str, meta: bool = True) -> str:
    """Wrap a body in the government portal's chrome (returned as str; caller encodes GBK)."""
    meta_tag = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">\n' if meta else ""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
{meta_tag}<title>{esc(title)}-{GOV_ORG}</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
{GOV_HEAD_NAV}
<div class="gov-main">
{body}
</div>
{GOV_FOOTER}
</body>
</html>
"""


def gov_notice(doc: Doc) -> str:
    """Render one government notice."""
    ex = doc.extra
    paras = "\n".join(
        f'<p style="text-indent:2em;">{esc(p)}</p>' if not p.endswith("：") else f"<p>{esc(p)}</p>"
        for p in doc.paras
    )
    y, m, d = (int(x) for x in ex["chengwen"].split("-"))
    body = f"""<div class="position">您当前的位置：<a href="/gov/tzgg/index.html">首页</a> &gt; <a href="/gov/tzgg/index.html">通知公告</a></div>
<table class="xxgk" width="100%">
<tr><td>索引号：00000000-0/2023-{doc.path[-10:-5]}</td><td>发布机构：{GOV_ORG}</td></tr>
<tr><td>文　　号：{esc(ex["docno"])}</td><td>成文日期：{ex["chengwen"]}</td></tr>
<tr><td>发布日期：{doc.date}</td><td>主题分类：通知公告</td></tr>
</table>
<div class="title"><h2>{esc(doc.title)}</h2></div>
<div class="docno">{esc(ex["docno"])}</div>
<div class="TRS_Editor">
{paras}
{gov_table(ex.get("table"))}
<p style="text-align:right;">{GOV_ORG}</p>
<p style="text-align:right;">{y}年{m}月{d}日</p>
</div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>"""
    return gov_page(doc.title, body, meta="no_meta" not in ex)


QUOTA_ROWS = [
    ("墨玉县", 18000, 13000),
    ("皮山县", 12000, 8500),
    ("洛浦县", 11000, 8000),
    ("于田县", 9500, 6500),
    ("和田县", 15000, 11000),
    ("策勒县", 6500, 4500),
]


def gov_table(kind: str | None) -> str:
    """Render the attachment table of a notice (county quotas; cells carry no lexicon terms)."""
    if kind != "quota":
        return ""
    rows = "\n".join(f"<tr><td>{c}</td><td>{a}</td><td>{b}</td></tr>" for c, a, b in QUOTA_ROWS)
    name = GOV_ATTACHMENT.path.rsplit("/", 1)[1]
    return f"""<p>附件：<a href="./{name}">2023年目标任务分解表</a></p>
<table class="quota" border="1">
<tr><th>县（市）</th><th>全年任务（人次）</th><th>其中：跨地区（人次）</th></tr>
{rows}
</table>"""


def gov_listing(items: list[tuple[str, str, str]], page: int, pages: int) -> str:
    """Render a notice listing page (links relative, TRS style)."""
    lis = "\n".join(
        f'<li><span class="date">{d}</span><a href="{href}" title="{esc(t)}">{esc(t)}</a></li>'
        for href, t, d in items
    )
    nav = f"共{pages}页　当前第{page + 1}页　"
    if page < pages - 1:
        nav += f'<a class="next" href="{page_name(page + 1)}">下一页</a>'
    if page > 0:
        nav += f'　<a class="prev" href="{page_name(page - 1)}">上一页</a>'
    body = f"""<div class="position">您当前的位置：<a href="/gov/tzgg/index.html">首页</a> &gt; 通知公告</div>
<div class="list-box"><h3>通知公告</h3>
<ul class="list">
{lis}
</ul>
<div class="page">{nav}</div>
</div>"""
    return gov_page("通知公告", body)


# ---------------------------------------------------------------------------------------------
# 天河铝业有限公司
# ---------------------------------------------------------------------------------------------

CO_NAV = f"""<div class="co-header"><a class="co-logo" href="/company/index.html">{COMPANY}</a>
<span class="co-en">Tianhe Aluminium Co., Ltd. (fictional)</span></div>
<ul class="co-nav"><li><a href="/company/index.html">首页</a></li><li><a href="/company/index.html">走进天河</a></li>
<li><a href="/company/news/index.html">新闻中心</a></li><li><a href="/company/index.html">产品中心</a></li>
<li><a href="/company/reports/index.html">投资者关系</a></li><li><a href="/company/index.html">人才招聘</a></li></ul>"""

CO_FOOTER = f"""<div class="co-footer"><p>Copyright © 2023 {COMPANY} 版权所有</p>
<p class="demo-note">{FOOTER_NOTE}（虚构企业 / fictional company）</p></div>"""


def co_page(title: str, body: str) -> str:
    """Wrap a body in the company site's chrome."""
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<title>{esc(title)} - {COMPANY}</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
{CO_NAV}
<div class="co-main">
{body}
</div>
{CO_FOOTER}
</body>
</html>
"""


def co_article(doc: Doc) -> str:
    """Render a company news page."""
    paras = "\n".join(f"<p>{esc(p)}</p>" for p in doc.paras)
    body = f"""<div class="co-crumbs">首页 &gt; 新闻中心 &gt; 公司新闻</div>
<div class="news-detail">
<h1>{esc(doc.title)}</h1>
<div class="news-meta">{esc(doc.info)}</div>
<div class="news-body">
{paras}
</div>
</div>"""
    return co_page(doc.title, body)


def co_listing(title: str, items: list[tuple[str, str, str]], css: str) -> str:
    """Render a company listing."""
    lis = "\n".join(f'<li><a href="{href}">{esc(t)}</a><em>{d}</em></li>' for href, t, d in items)
    body = f"""<div class="co-crumbs">首页 &gt; {esc(title)}</div>
<h2>{esc(title)}</h2>
<ul class="{css}">
{lis}
</ul>"""
    return co_page(title, body)


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------


def write(path: str, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write a site file given its URL path."""
    target = SITE / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


def broken_pdf_bytes() -> bytes:
    """A truncated PDF: a header, half an object and deterministic garbage; no xref, no %%EOF."""
    rng = random.Random(2021)
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R"
    return head + bytes(rng.randrange(256) for _ in range(1500))


def entry(
    doc: Doc | Report, source: str, kind: str, script: str = "hans", **kw: Any
) -> dict[str, Any]:
    """Build a manifest entry."""
    e: dict[str, Any] = {
        "path": doc.path,
        "source": source,
        "kind": kind,
        "title": doc.title,
        "date": doc.date,
        "flagged": doc.flagged,
        "expected_hits": 0,
        "categories": [],
        "script": script,
        "trap": doc.trap,
        "error": None,
        "note": doc.note,
    }
    e.update(kw)
    return e


def doc_entry(doc: Doc, kind: str = "article", **kw: Any) -> dict[str, Any]:
    """Manifest entry for an HTML doc, with hits computed from its sentences."""
    sents, cats, n = analyse(doc.paras, doc)
    e = entry(doc, doc.source, kind, doc.script, **kw)
    if doc.script == "hant":
        e["title"] = to_script(doc.title, doc)
    e["title_has_term"] = bool(families_in(doc.title, doc.script))
    e["term_sentences"] = n
    if doc.flagged:
        e.update(expected_hits=n, categories=cats, evidence_sentences=sents)
    elif n:
        e["trap_sentences"] = sents
    if doc.outlet:
        e["outlet"] = doc.outlet
    e.update({k: v for k, v in doc.extra.items() if k in ("repost_of", "attached_to")})
    return e


def listing_entry(path: str, source: str, note: str = "") -> dict[str, Any]:
    """Manifest entry for a listing page."""
    return {
        "path": path,
        "source": source,
        "kind": "listing",
        "flagged": False,
        "expected_hits": 0,
        "categories": [],
        "script": "hans",
        "trap": None,
        "error": None,
        "note": note,
    }


def error_entry(path: str, source: str, error: str, note: str) -> dict[str, Any]:
    """Manifest entry for a page the crawler must record as an error."""
    return {
        "path": path,
        "source": source,
        "kind": "error",
        "flagged": False,
        "expected_hits": 0,
        "categories": [],
        "script": "hans",
        "trap": None,
        "error": error,
        "note": note,
    }


def build_xinwen(manifest: list[dict[str, Any]], headers: dict[str, Any]) -> None:
    """Write the news site."""
    for doc in XINWEN:
        write(doc.path, xw_article(doc))
        manifest.append(doc_entry(doc))
    write(XINWEN_SLOW.path, xw_article(XINWEN_SLOW))
    headers["paths"][XINWEN_SLOW.path] = {"route": "slow", "delay_seconds": 4}
    write(XINWEN_NO_TEXT, xw_no_text())
    pages = xw_listings()
    for i, (path, page) in enumerate(pages):
        write(path, page)
        manifest.append(listing_entry(path, "demo-xinwen", f"listing page {i + 1}/{len(pages)}"))
    manifest += [
        error_entry(XINWEN_MISSING, "demo-xinwen", "http_404", "listed but missing"),
        error_entry(
            XINWEN_SLOW.path,
            "demo-xinwen",
            "timeout",
            "server sleeps 4 s before answering; source download_timeout is 2 s",
        ),
        error_entry(
            XINWEN_NO_TEXT,
            "demo-xinwen",
            "no_text",
            "only navigation, sidebar, footer and scripts; no <h1>, no article-content",
        ),
    ]


def xw_listings(leave_out: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The news site's listing pages as (path, html), newest first, 8 links a page."""
    items = [(d.path, to_script(d.title, d), d.date) for d in XINWEN]
    items += [
        (XINWEN_MISSING, "和田地区召开稳就业工作推进会", "2023-04-20"),
        (XINWEN_SLOW.path, XINWEN_SLOW.title, XINWEN_SLOW.date),
        (XINWEN_NO_TEXT, "【视频】天山南北好风光", "2023-06-20"),
    ]
    items = sorted((it for it in items if it[0] not in leave_out), key=lambda it: it[2],
                   reverse=True)
    per = 8
    pages = [items[i : i + per] for i in range(0, len(items), per)]
    return [("/xinwen/index.html" if i == 0 else f"/xinwen/index_{i}.html",
             xw_listing(chunk, i, len(pages))) for i, chunk in enumerate(pages)]


GOV_HEADER = {
    "utf-8": "text/html; charset=utf-8",
    "gbk": "text/html; charset=GBK",
    "none": "text/html",
}


def build_gov(manifest: list[dict[str, Any]], headers: dict[str, Any]) -> None:
    """Write the government portal as GBK bytes."""
    for doc in GOV:
        write(doc.path, gov_notice(doc), "gbk")
        ctype = GOV_HEADER[doc.extra["header"]]
        headers["paths"][doc.path] = {"Content-Type": ctype}
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
        manifest.append(e)
    items = [(d.path.removeprefix("/gov/tzgg"), d.title, d.date) for d in GOV]
    items.sort(key=lambda it: it[2], reverse=True)
    items.insert(
        3,
        (
            GOV_MISSING.removeprefix("/gov/tzgg"),
            "关于开展2023年就业困难人员认定工作的通知",
            "2023-06-30",
        ),
    )
    items.insert(7, ("../../private/x.html", "内部通知（仅限内网访问）", "2023-05-01"))
    split = 6
    pages = [items[:split], items[split:]]
    for i, chunk in enumerate(pages):
        path = "/gov/tzgg/index.html" if i == 0 else f"/gov/tzgg/index_{i}.html"
        chunk = [("." + h if h.startswith("/") else h, t, d) for h, t, d in chunk]
        write(path, gov_listing(chunk, i, len(pages)), "gbk")
        headers["paths"][path] = {"Content-Type": GOV_HEADER["gbk"]}
        manifest.append(listing_entry(path, "demo-gov", f"listing page {i + 1}/{len(pages)} (GBK)"))
    manifest.append(error_entry(GOV_MISSING, "demo-gov", "http_404", "listed but missing"))
    build_attachment(manifest)
    write(
        PRIVATE,
        gov_page("内部资料", '<div class="TRS_Editor"><p>内部资料，请勿外传。</p></div>'),
        "gbk",
    )
    manifest.append(
        {
            "path": PRIVATE,
            "source": "demo-gov",
            "kind": "blocked",
            "flagged": False,
            "expected_hits": 0,
            "categories": [],
            "script": "hans",
            "trap": None,
            "error": None,
            "note": "robots.txt disallows /private/; linked from gov listing page 2; must never be fetched",
        }
    )


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIXED_DATE = (2023, 4, 12, 9, 0, 0)


def docx_bytes(doc: Doc, rows: list[list[str]]) -> bytes:
    """A .docx of a heading, the paragraphs and one table, with fixed properties and zip dates."""
    document = docx.Document()
    document.add_heading(doc.title, level=1)
    for para in doc.paras:
        document.add_paragraph(para)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    props = document.core_properties
    props.title, props.author, props.last_modified_by = doc.title, GOV_ORG, GOV_ORG
    props.created = props.modified = datetime(*FIXED_DATE)
    props.revision = 1
    saved, out = io.BytesIO(), io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(fixed, old.read(info.filename))
    return out.getvalue()


def build_attachment(manifest: list[dict[str, Any]]) -> None:
    """Write the quota notice's Word attachment and its manifest entry."""
    rows = [["县（市）", "全年任务（人次）", "其中：跨地区（人次）"]]
    rows += [[county, str(year), str(cross)] for county, year, cross in QUOTA_ROWS]
    write(GOV_ATTACHMENT.path, docx_bytes(GOV_ATTACHMENT, rows))
    manifest.append(doc_entry(GOV_ATTACHMENT, content_type=DOCX_TYPE))


def build_later(manifest: list[dict[str, Any]], headers: dict[str, Any]) -> None:
    """Write the pages as they are a day later into site/_later/, and what changes into the
    header table ("later": per-path overrides) and the manifest ("later" of each entry)."""
    later: dict[str, Any] = headers["later"]
    by_path = {e["path"]: e for e in manifest}
    for doc in XINWEN:
        if doc.path in LATER_EDITED:
            old, new = LATER_EDITED[doc.path]
            revised = Doc(**{**doc.__dict__, "paras": [p.replace(old, new) for p in doc.paras]})
            write("/_later" + doc.path, xw_article(revised))
            later[doc.path] = {"file": "_later" + doc.path}
            hits = doc_entry(revised)["expected_hits"]
            by_path[doc.path]["later"] = {"change": "edited", "expected_hits": hits,
                                          "replaced": [old, new]}
    for path in LATER_DELETED:
        later[path] = {"route": "gone"}
        by_path[path]["later"] = {"change": "removed", "error": "http_404"}
    for path, page in xw_listings(leave_out=tuple(LATER_DELETED)):
        write("/_later" + path, page)
        later[path] = {"file": "_later" + path}


def build_company(manifest: list[dict[str, Any]], headers: dict[str, Any]) -> None:
    """Write the company site (reports are written by build_pdfs, except the broken one)."""
    for doc in COMPANY_NEWS:
        write(doc.path, co_article(doc))
        manifest.append(doc_entry(doc))
    news = [(d.path, d.title, d.date) for d in COMPANY_NEWS]
    news.append((COMPANY_OVERSIZED, "图片新闻：公司二期项目建设现场航拍", "2023-09-01"))
    news.sort(key=lambda it: it[2], reverse=True)
    write("/company/news/index.html", co_listing("新闻中心", news, "news-list"))
    headers["paths"][COMPANY_OVERSIZED] = {
        "route": "oversized",
        "size_bytes": 3 * 1024 * 1024,
        "Content-Type": "text/html; charset=utf-8",
    }
    write(COMPANY_IR_PAGE.path, co_article(COMPANY_IR_PAGE))
    manifest.append(doc_entry(COMPANY_IR_PAGE))
    for rep in REPORTS:
        sents, cats, n = analyse(
            [p for _, ps in rep.sections for p in ps],
            Doc(
                path=rep.path, source="", title="", date="", info="", paras=[], flagged=rep.flagged
            ),
        )
        e = entry(
            rep,
            "demo-company",
            "article",
            "hans",
            content_type="application/pdf",
            pdf_pages=len(rep.sections) + 1,
            term_sentences=n,
        )
        if rep.flagged:
            e.update(expected_hits=n, categories=cats, evidence_sentences=sents)
        manifest.append(e)
    write(COMPANY_BROKEN_PDF, broken_pdf_bytes())
    reports = [(r.path, r.title, r.date) for r in REPORTS]
    reports += [
        (COMPANY_BROKEN_PDF, "天河铝业有限公司2021年度ESG报告", "2022-04-29"),
        (COMPANY_IR_PAGE.path, "投资者关系联系方式", "2023-04-28"),
    ]
    write("/company/reports/index.html", co_listing("定期报告", reports, "report-list"))
    write(
        "/company/index.html",
        co_page(
            "首页",
            """<div class="co-banner">绿色铝业　美好未来</div>
<p><a href="/company/news/index.html">新闻中心</a> | <a href="/company/reports/index.html">定期报告</a></p>""",
        ),
    )
    manifest += [
        listing_entry("/company/news/index.html", "demo-company", "news listing"),
        listing_entry("/company/reports/index.html", "demo-company", "reports listing"),
        error_entry(
            COMPANY_OVERSIZED,
            "demo-company",
            "too_large",
            "server streams 3 MiB; source download_maxsize is 1 MiB",
        ),
        error_entry(
            COMPANY_BROKEN_PDF,
            "demo-company",
            "broken_pdf",
            "truncated PDF with garbage bytes, served as application/pdf",
        ),
    ]


CSS = """body{font-family:sans-serif;margin:0}.container,.gov-main,.co-main{max-width:960px;margin:auto}
.demo-note{color:#b00;font-weight:bold}.nav li,.gov-nav li,.co-nav li{display:inline;margin-right:1em}
"""

ROBOTS = """# Demo site: invented content
User-agent: *
Disallow: /private/
"""

ROOT_INDEX = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>演示网站</title></head>
<body><h1>演示网站 / Demo sites</h1>
<ul>
<li><a href="/xinwen/index.html">天山示范新闻网</a></li>
<li><a href="/gov/tzgg/index.html">{GOV_ORG}（GBK）</a></li>
<li><a href="/company/index.html">{COMPANY}</a></li>
</ul>
<p class="demo-note">{FOOTER_NOTE}</p></body></html>
"""


def build() -> None:
    """Write every generated file (PDF reports excepted)."""
    manifest: list[dict[str, Any]] = []
    headers: dict[str, Any] = {
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
    build_xinwen(manifest, headers)
    build_gov(manifest, headers)
    build_company(manifest, headers)
    build_later(manifest, headers)
    write("/robots.txt", ROBOTS)
    write("/static/site.css", CSS)
    write("/index.html", ROOT_INDEX)
    (SITE / "_headers.json").write_text(
        json.dumps(headers, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (HERE / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    build()
