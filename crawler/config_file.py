"""One configuration file (evidence.toml) whose keys become environment defaults.

Precedence: command-line options > environment variables > the file > built-in defaults.
The file is $EVIDENCE_CONFIG, else ./evidence.toml when it exists. Keys (all optional) are the
environment variables without their EVIDENCE_ prefix, in lower case: see KEYS.

It lives on the crawler's floor because its lowest reader is crawler/settings.py, which
`scrapy crawl` and Scrapyd load without the CLI; the CLI reads the same file through it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

KEYS = {
    "db": "database file or URL",
    "data_dir": "raw captures, WARC files, logs and reports (default: beside the database)",
    "user_agent": "the crawler's User-Agent",
    "robotstxt_obey": "obey robots.txt (true/false; default true)",
    "use_env_proxy": "crawl through $http_proxy/$https_proxy (true/false; default false: only "
                     "a source's own proxy; names are then resolved by the proxy, unchecked)",
    "log_level": "Scrapy log level in the run log (default INFO)",
    "sources_dir": "folder of source files (default: the bundled ones)",
    "recheck_days": "re-check stored pages with hits after this many days (default: per source)",
    "store_batch": "items written per database transaction (default 50)",
    "incremental": "fetch only article URLs not yet stored (true/false; default true)",
    "queue_url": "redis:// URL of the queue shared by several crawl workers (docs/team.md)",
    "queue_heartbeat": "seconds between a shared-crawl worker's heartbeats (default 5)",
    "queue_lease_timeout": "seconds without heartbeat before a worker's requests are taken "
                           "over (default 60)",
    "allowed_hosts": "host names the desk answers to besides localhost, 127.0.0.1 and the "
                     "bound address (a list, or comma-separated)",
    "desk_users": "users file of the desk (`evidence serve --add-user`): sign-in required",
    "desk_token": "a shared team token the desk accepts as password (at least 16 characters)",
    "tsa_url": "RFC 3161 Time Stamping Authority that timestamps each run's manifest "
               "(evidence/services/timestamp.py; none: runs are 'not timestamped')",
    "tsa_ca": "PEM file of the TSA's CA certificates (root, intermediates) its tokens must "
              "verify against (`evidence verify`)",
    "tsa_timeout": "seconds to wait for the TSA (default 30)",
}


class ConfigError(ValueError):
    """A configuration file that cannot be used; names the file and the key."""


def config_path() -> Path | None:
    """Return the configuration file in effect, if any."""
    named = os.environ.get("EVIDENCE_CONFIG")
    if named:
        return Path(named)
    local = Path("evidence.toml")
    return local if local.is_file() else None


def env_proxies_allowed() -> bool:
    """Whether the operator opted in to the environment's proxies (EVIDENCE_USE_ENV_PROXY)."""
    return os.environ.get("EVIDENCE_USE_ENV_PROXY", "0").lower() not in ("0", "false", "no", "")


def apply_config_file(path: Path | None = None) -> dict[str, str]:
    """Set EVIDENCE_* environment defaults from the file; return what it set."""
    path = path or config_path()
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    applied = {}
    for key, value in data.items():
        if key not in KEYS:
            raise ConfigError(f"{path}: unknown key {key!r} (known: {', '.join(KEYS)})")
        if isinstance(value, bool):
            value = "1" if value else "0"
        elif isinstance(value, list):
            value = ",".join(str(item) for item in value)
        name = f"EVIDENCE_{key.upper()}"
        if name not in os.environ:
            os.environ[name] = str(value)
            applied[name] = str(value)
    return applied
