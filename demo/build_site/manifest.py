"""Manifest entries: what the pipeline should make of each demo page (``demo/manifest.json``)."""

from __future__ import annotations

from typing import Any

from demo.build_site.hits import analyse, families_in, to_script
from demo.content import Doc, Report


def entry(
    doc: Doc | Report, source: str, kind: str, script: str = "hans", **kw: Any
) -> dict[str, Any]:
    """Build a manifest entry for a document: a page entry with its title and date."""
    e = {"path": doc.path, "source": source, "kind": kind, "title": doc.title, "date": doc.date,
         **page_entry(doc.path, source, kind, doc.note, flagged=doc.flagged, script=script,
                      trap=doc.trap)}
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


def report_entry(report: Report) -> dict[str, Any]:
    """Manifest entry for a PDF report: a cover page, then a page per section."""
    as_doc = Doc(path=report.path, source="", title="", date="", flagged=report.flagged, paras=[])
    sents, cats, n = analyse([p for _, paras in report.sections for p in paras], as_doc)
    e = entry(report, "demo-company", "article", "hans", content_type="application/pdf",
              pdf_pages=len(report.sections) + 1, term_sentences=n)
    if report.flagged:
        e.update(expected_hits=n, categories=cats, evidence_sentences=sents)
    return e


def page_entry(path: str, source: str, kind: str, note: str, error: str | None = None, *,
               flagged: bool = False, script: str = "hans", trap: str | None = None
               ) -> dict[str, Any]:
    """Manifest entry for a page that is no document (a listing, an error, a blocked page)."""
    return {
        "path": path,
        "source": source,
        "kind": kind,
        "flagged": flagged,
        "expected_hits": 0,
        "categories": [],
        "script": script,
        "trap": trap,
        "error": error,
        "note": note,
    }


def listing_entry(path: str, source: str, note: str) -> dict[str, Any]:
    """Manifest entry for a listing page."""
    return page_entry(path, source, "listing", note)


def error_entry(path: str, source: str, error: str, note: str) -> dict[str, Any]:
    """Manifest entry for a page the crawler must record as an error."""
    return page_entry(path, source, "error", note, error)
