"""Citations of hits: publisher, original title, dates, URL, the archived copy and its fate.

Styles: ``footnote`` (plain text for a report), ``bibtex`` (``@misc`` with ``url``/``urldate``,
read by BibTeX and biblatex) and ``csl-json`` (for Zotero, pandoc-citeproc). Every style quotes
the sentence in its original script and names the archived copy (SHA-256 of the raw bytes and
the WARC-Record-ID), the removal of the page when it has since gone, the 来源 (original outlet)
line and the earliest-known copy of a reposted text.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # STYLES is read when the command line is built: no database code for it
    from sqlalchemy.orm import Session

    from db.citations import CitationFacts
    from db.hits import HitView

STYLES = ("footnote", "bibtex", "csl-json")


def footnote(hit: HitView, facts: CitationFacts | None = None) -> str:
    """Return a footnote-style citation quoting the sentence in its original script."""
    from db.review import review_line

    parts = [hit.publisher or "(unknown publisher)"]
    parts.append(f"“{hit.title or '(untitled)'}”")
    if hit.doc_number:
        parts.append(hit.doc_number)
    parts.append(hit.published_at or "n.d.")
    if hit.page:
        parts.append(f"p. {hit.page}")
    parts.append(hit.url)
    if hit.archive_url:
        parts.append(f"as archived at {hit.archive_url} ({_wayback_time(hit.archive_timestamp)})")
    accessed = hit.retrieved_at[:10]
    archived = f"archived copy sha256:{hit.sha256}"
    if facts and facts.archived and facts.archived.warc_record_id:
        archived += f", WARC-Record-ID {facts.archived.warc_record_id}"
    if facts and facts.screenshot:
        archived += f"; {screenshot_note(facts)}"
    text = f"{', '.join(parts)} (accessed {accessed} UTC; {archived}). Quote: “{hit.sentence}”"
    notes = notes_for(facts) if facts else []
    review = review_line(hit.review_status, hit.reviewer, hit.reviewed_at)
    return " ".join([text, *notes, *([review] if review else [])])


def screenshot_note(facts: CitationFacts) -> str:
    """The screenshot a citation points to: its SHA-256, file and browser, or ''."""
    shot = facts.screenshot
    if shot is None:
        return ""
    return (f"screenshot sha256:{shot.sha256} ({shot.file}, rendered from the archived copy "
            f"{shot.rendered_at:%Y-%m-%d} UTC by {shot.browser})")


def full_citation(session: Session, hit: HitView) -> str:
    """The footnote of a hit with its archive, removal, repost and review facts."""
    from db.citations import citation_facts

    return footnote(hit, citation_facts(session, hit))


def _wayback_time(stamp: str | None) -> str:
    """Render a 14-digit archive timestamp (20210305120000) as 2021-03-05 12:00:00 UTC."""
    if not stamp or len(stamp) < 8 or not stamp.isdigit():
        return "capture time unknown"
    padded = stamp.ljust(14, "0")
    return (f"{padded[:4]}-{padded[4:6]}-{padded[6:8]} "
            f"{padded[8:10]}:{padded[10:12]}:{padded[12:14]} UTC")


def notes_for(facts: CitationFacts) -> list[str]:
    """Return the sentences a citation adds: removal, 来源, earliest-known copy."""
    notes = []
    if facts.removal:
        why = f" ({facts.removal.reason})" if facts.removal.reason else ""
        notes.append(f"Page removed: first found gone {facts.removal.removed_at} UTC{why}; "
                     "the archived copy above is what it said before.")
    if facts.hit.origin:
        notes.append(f"来源：{facts.hit.origin}.")
    earliest = facts.earliest
    if earliest and facts.other_copies:
        if earliest.document_id == facts.hit.document_id:
            notes.append(f"Earliest known copy of this text ({facts.other_copies} other "
                         "copies known).")
        else:
            notes.append(f"Earliest known copy: {earliest.publisher or '(unknown)'}, "
                         f"“{earliest.title or '(untitled)'}”, {earliest.published_at or 'n.d.'}, "
                         f"{earliest.url} ({facts.other_copies} other copies known).")
    return notes


def _note(facts: CitationFacts) -> str:
    """The free-text note of BibTeX and CSL: quote, archived copy, removal, 来源, earliest."""
    hit = facts.hit
    parts = [f"Quote: “{hit.sentence}”", f"archived copy sha256:{hit.sha256}"]
    if facts.archived and facts.archived.warc_record_id:
        parts.append(f"WARC-Record-ID {facts.archived.warc_record_id}")
    if facts.screenshot:
        parts.append(screenshot_note(facts))
    return "; ".join(parts) + ". " + " ".join(notes_for(facts))


_BIB_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
    "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}",
}


def _bib(value: str) -> str:
    """Escape the characters BibTeX/LaTeX treat specially."""
    return "".join(_BIB_ESCAPES.get(char, char) for char in value)


def bibtex(facts: CitationFacts) -> str:
    """Return a BibTeX ``@misc`` entry."""
    hit = facts.hit
    fields = {
        "author": "{" + _bib(hit.publisher or "Unknown publisher") + "}",
        "title": hit.title or "(untitled)",
        "howpublished": hit.publisher or "",
        "date": hit.published_at or "",
        "year": (hit.published_at or "")[:4],
        "number": hit.doc_number or "",
        "url": hit.url,
        "urldate": hit.retrieved_at[:10],
        "language": {"hant": "zh-Hant", "hans": "zh-Hans"}.get(hit.script, hit.language),
        "note": _note(facts).strip(),
    }
    body = ",\n".join(f"  {key} = {{{value if key in ('url', 'author') else _bib(value)}}}"
                      for key, value in fields.items() if value)
    return f"@misc{{hit{hit.id},\n{body}\n}}"


def _date_parts(iso: str | None) -> dict[str, Any] | None:
    if not iso:
        return None
    return {"date-parts": [[int(p) for p in iso[:10].split("-")]]}


def csl_json(facts: CitationFacts) -> dict[str, Any]:
    """Return one CSL-JSON item."""
    hit = facts.hit
    kind = {"state_media": "article-newspaper", "government": "legislation"}.get(hit.kind,
                                                                                "webpage")
    item: dict[str, Any] = {
        "id": f"hit{hit.id}", "type": kind, "title": hit.title or "(untitled)",
        "author": [{"literal": hit.publisher or "Unknown publisher"}],
        "container-title": hit.publisher, "publisher": hit.publisher,
        "issued": _date_parts(hit.published_at), "accessed": _date_parts(hit.retrieved_at),
        "URL": hit.url, "number": hit.doc_number,
        "language": {"hant": "zh-Hant", "hans": "zh-Hans"}.get(hit.script, hit.language),
        "archive": f"sha256:{hit.sha256}",
        "archive_location": facts.archived.warc_record_id if facts.archived else None,
        "note": _note(facts).strip(),
    }
    return {key: value for key, value in item.items() if value}


def cite(facts: CitationFacts, style: str) -> str:
    """Return the citation of a hit in ``style`` (one of ``STYLES``)."""
    if style == "bibtex":
        return bibtex(facts)
    if style == "csl-json":
        return json.dumps(csl_json(facts), ensure_ascii=False, indent=2)
    return footnote(facts.hit, facts)


def context(text: str, start: int, end: int, width: int = 160) -> tuple[str, str, str]:
    """Return (before, sentence, after) with up to ``width`` characters either side."""
    before = text[max(0, start - width):start]
    after = text[end:end + width]
    return before, text[start:end], after
