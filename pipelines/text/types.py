"""Typed records passed between the pure text-processing stages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date


class ExtractionError(ValueError):
    """Raised when a body cannot be turned into text (broken PDF, empty page, ...)."""


@dataclass(frozen=True)
class Decoded:
    """A body decoded to text, with the charset actually used and why."""

    text: str
    charset: str
    note: str = ""  # e.g. "header said utf-8; body is gb18030"
    replaced: int = 0  # bytes the charset could not decode, each run shown as U+FFFD


@dataclass(frozen=True)
class OcrRecord:
    """Which PDF pages are OCR output, by which engine, and what OCR left out or could not do."""

    engine: str  # "tesseract 5.3.0 chi_sim+chi_tra"; "" when no OCR engine ran
    pages: tuple[int, ...] = ()  # 1-based pages whose text is OCR output
    note: str = ""  # e.g. "OCR page limit (20) reached: pages 21–40 not read"

    def to_json(self) -> str:
        """The record as stored (versions.ocr, extractions.ocr)."""
        return json.dumps({"engine": self.engine, "pages": list(self.pages), "note": self.note},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, stored: str | None) -> OcrRecord | None:
        """Read a stored record back; None for NULL (no page without a text layer)."""
        if not stored:
            return None
        found = json.loads(stored)
        return cls(found.get("engine", ""), tuple(found.get("pages", ())), found.get("note", ""))


@dataclass(frozen=True)
class Extracted:
    """Main text and metadata of one document; hit offsets refer to ``text``."""

    text: str
    title: str | None = None
    published_at: date | None = None
    publisher: str | None = None  # the site/organisation that published the page
    origin: str | None = None  # 来源: the original outlet when the page is a repost
    editor: str | None = None  # 责任编辑
    author: str | None = None
    doc_number: str | None = None  # 文号 of a government notice, e.g. 新人社发〔2023〕12号
    language_hint: str | None = None  # <html lang> or similar, if any
    page_starts: tuple[int, ...] = ()  # PDFs: offset in ``text`` where each page begins
    extractor: str = ""  # name/version of the extractor, e.g. "html:trafilatura-2.3.1+bs4"
    charset: str | None = None
    charset_note: str = ""  # why that charset (Decoded.note), e.g. an implausible one overridden
    replaced_bytes: int = 0  # bytes the charset could not decode (Decoded.replaced)
    ocr: OcrRecord | None = None  # PDFs: pages without a text layer, read (or not) by OCR


@dataclass(frozen=True)
class Hit:
    """One flagged sentence: offsets into the stored (original-script) text."""

    start: int
    end: int
    sentence: str  # text[start:end], original script
    terms: tuple[str, ...]  # canonical (simplified / lower-case English) lexicon terms
    categories: tuple[str, ...]
    companies: tuple[str, ...]  # canonical company names mentioned in the sentence
    score: float
    lexicon_version: str
    # the transfer event's slots that fired, e.g. (("who", ("劳动力",)), ("move", ("输送",)));
    # slot names: who, move, origin, destination, organiser, figure, control, programme
    slots: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def slot_dict(self) -> dict[str, list[str]]:
        """The slots as a JSON-ready dict."""
        return {name: list(values) for name, values in self.slots}


@dataclass(frozen=True)
class Detection:
    """What the detector found in one document."""

    language: str  # "zh", "en", other ISO code, or "unknown"
    script: str  # "hans", "hant", "latin", "other"
    score: float
    flagged: bool
    lexicon_version: str
    hits: tuple[Hit, ...] = field(default_factory=tuple)
