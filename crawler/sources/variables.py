"""Variables in source files: ``${NAME}`` and ``${NAME:-default}`` take the environment's value.

The demo's sources, for example, reach its server through ``${EVIDENCE_DEMO_URL:-...}``.
"""

from __future__ import annotations

import os
import re
from typing import Any

# "${EVIDENCE_DEMO_URL:-http://127.0.0.1:8741}" -> the variable's value, else the default
_ENV_REF = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?::-(?P<default>[^}]*))?\}")


def expand_variables(value: Any) -> Any:
    """Substitute ${VAR:-default} references in every string of a parsed YAML tree."""
    if isinstance(value, str):
        return _ENV_REF.sub(lambda m: os.environ.get(m["name"], m["default"] or ""), value)
    if isinstance(value, list):
        return [expand_variables(v) for v in value]
    if isinstance(value, dict):
        return {k: expand_variables(v) for k, v in value.items()}
    return value
