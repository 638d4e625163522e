"""Run extraction and detection on local files, for analysts trying the lexicon."""

from __future__ import annotations

import mimetypes
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipelines.text.extract import extract_document
from pipelines.text.types import ExtractionError, Hit

_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html",
          ".pdf": "application/pdf"}


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
    try:
        extracted = extract_document(body, content_type, path.resolve().as_uri())
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
