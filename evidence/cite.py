"""Citations of hits: publisher, original title, dates, URL and the archived copy."""

from __future__ import annotations

from db.queries import HitView


def footnote(hit: HitView) -> str:
    """Return a footnote-style citation quoting the sentence in its original script."""
    parts = [hit.publisher or "(unknown publisher)"]
    if hit.origin and hit.origin != hit.publisher:
        parts.append(f"reposting {hit.origin}")
    parts.append(f"“{hit.title or '(untitled)'}”")
    if hit.doc_number:
        parts.append(hit.doc_number)
    parts.append(hit.published_at or "n.d.")
    parts.append(hit.url)
    accessed = hit.retrieved_at[:10]
    archived = f"archived copy sha256:{hit.sha256}"
    return f"{', '.join(parts)} (accessed {accessed} UTC; {archived}). Quote: “{hit.sentence}”"


def context(text: str, start: int, end: int, width: int = 160) -> tuple[str, str, str]:
    """Return (before, sentence, after) with up to ``width`` characters either side."""
    before = text[max(0, start - width):start]
    after = text[end:end + width]
    return before, text[start:end], after
