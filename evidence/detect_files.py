"""Run extraction and detection on local files, for analysts trying the lexicon.

A file goes through the crawl's own processing (``process_document``: PDF, Word, plain text,
HTML); its extension stands in for the Content-Type a server would have sent. A file that is
neither (an image, an archive, a program) is reported as an error, never read as text.
"""

from __future__ import annotations

import mimetypes
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipelines.text.process import DocumentMeta, process_document
from pipelines.text.types import Hit

_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html",
          ".pdf": "application/pdf"}


def _hit_json(hit: Hit) -> dict[str, Any]:
    """A detected hit as JSON: its fields, slots as {slot: [values]} (lexicon said once)."""
    found = {k: v for k, v in asdict(hit).items() if k not in ("lexicon_version", "slots")}
    return found | {"slots": hit.slot_dict()}


def detect_file(path: Path, region: str | None = None) -> dict[str, Any]:
    """Return language, score, flagged and hits of one local file, or its error (``region``:
    the Xinjiang region the file comes from, an anchor for texts that name no place)."""
    result: dict[str, Any] = {"file": str(path)}
    try:
        body = path.read_bytes()
    except OSError as exc:
        result["error"] = f"cannot read: {exc.strerror or exc}"
        return result
    content_type = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    meta = DocumentMeta(url=path.resolve().as_uri(), content_type=content_type, region=region,
                        refuse_binary=True)
    done = process_document(body, meta)
    if done.extracted is None or done.detection is None:
        result["error"] = done.error
        return result
    detection = done.detection
    result.update(
        title=done.extracted.title, language=detection.language, script=detection.script,
        score=detection.score, flagged=detection.flagged,
        lexicon_version=detection.lexicon_version,
        hits=[_hit_json(h) for h in detection.hits],
    )
    return result
