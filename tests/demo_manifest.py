"""What the demo site promises (demo/manifest.json), for the tests that crawl it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MANIFEST: list[dict[str, Any]] = json.loads(
    (ROOT / "demo" / "manifest.json").read_text(encoding="utf-8"))
# every version's hits: the first crawl's, plus those of the page revised a day later
ALL_HITS = sum(e["expected_hits"] + e.get("later", {}).get("expected_hits", 0) for e in MANIFEST)
LATER = {e["later"]["change"]: e for e in MANIFEST if "later" in e}
ERROR_PREFIX = {
    "http_404": "http_404",
    "timeout": "timeout",
    "too_large": "too_large",
    "broken_pdf": "extract_failed: broken PDF",
    "no_text": "extract_failed: no text",
}
