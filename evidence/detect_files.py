"""Run extraction and detection on local files, for analysts trying the lexicon.

A file goes through the crawl's own extraction (``extract_document``: PDF, Word, plain text,
HTML); its extension stands in for the Content-Type a server would have sent. A file that is
neither (an image, an archive, a program) is reported as an error, never read as text.
"""

from __future__ import annotations

import mimetypes
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipelines.text.extract import document_kind, extract_document
from pipelines.text.types import ExtractionError, Hit

_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html",
          ".pdf": "application/pdf"}
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")  # UTF-8, UTF-16 LE/BE (and -32)
_SNIFF_BYTES = 8192


def is_binary(body: bytes) -> bool:
    """Whether bytes are no text: a NUL byte near the start and no byte-order mark."""
    return b"\x00" in body[:_SNIFF_BYTES] and not body.startswith(_TEXT_BOMS)


def _hit_json(hit: Hit) -> dict[str, Any]:
    """A detected hit as JSON: its fields, slots as {slot: [values]} (lexicon said once)."""
    found = {k: v for k, v in asdict(hit).items() if k not in ("lexicon_version", "slots")}
    return found | {"slots": hit.slot_dict()}


def detect_file(path: Path, region: str | None = None) -> dict[str, Any]:
    """Return language, score, flagged and hits of one local file, or its error (``region``:
    the Xinjiang region the file comes from, an anchor for texts that name no place)."""
    from pipelines.stages import shared_detector

    result: dict[str, Any] = {"file": str(path)}
    try:
        body = path.read_bytes()
    except OSError as exc:
        result["error"] = f"cannot read: {exc.strerror or exc}"
        return result
    content_type = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    url = path.resolve().as_uri()
    try:
        if document_kind(body, content_type, url) in ("text", "html") and is_binary(body):
            raise ExtractionError("a binary file, not text, HTML, PDF or Word")
        extracted = extract_document(body, content_type, url)
    except ExtractionError as exc:
        result["error"] = str(exc)
        return result
    detection = shared_detector().detect(extracted.text, region=region)
    result.update(
        title=extracted.title, language=detection.language, script=detection.script,
        score=detection.score, flagged=detection.flagged,
        lexicon_version=detection.lexicon_version,
        hits=[_hit_json(h) for h in detection.hits],
    )
    return result
