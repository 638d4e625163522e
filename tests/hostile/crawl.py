"""Crawling our hostile site: the sources it serves and one real `evidence crawl` of them in a
subprocess with the test resolver (tests.hostile.settings), its database read back."""

from __future__ import annotations

import sqlite3
import subprocess
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.cli import evidence
from tests.hostile.server import PUBLIC, HostileServer

ORIGIN = f"http://{PUBLIC}"
SOURCE = """publisher: 敌意测试站（虚构）
kind: state_media
language: zh
strategy: listing
start_urls: ["{start}"]
links:
  article: {{css: "ul.list li a"}}
  next_page: {{css: "div.page a.next"}}
  max_pages: 5
politeness: {{download_delay: 0, concurrency: 4, download_timeout: 10, download_maxsize: 1048576,
             proxy: {proxy}}}
expect: {{min_items: 0}}
{extra}
"""


def write_sources(folder: Path, server: HostileServer, slugs: list[str]) -> None:
    """Write the named hostile sources: the public site through our server as its proxy, or
    names the test resolver maps to 127.0.0.1 without a proxy."""
    direct = f"direct.hostile.example:{server.port}/direct/index.html"
    sources = {
        "hostile-ssrf": (f"{ORIGIN}/ssrf/index.html", server.url, ""),
        "hostile-refresh": (f"{ORIGIN}/refresh/index.html", server.url, ""),
        "hostile-links": (f"{ORIGIN}/links/index.html", server.url, ""),
        "hostile-losses": (f"{ORIGIN}/losses/index.html", server.url, ""),
        "hostile-redirects": (f"{ORIGIN}/redirects/index.html", server.url, ""),
        "hostile-explode": (f"{ORIGIN}/explode/index.html", server.url, ""),
        "hostile-direct": (f"http://{direct}", "null", ""),
        "hostile-rebind": (f"http://{direct.replace('direct.', 'flaky.', 1)}", "null", ""),
        "hostile-allowed": (f"{server.url}/direct/index.html", "null",
                            "allow_private_addresses: true"),
    }
    (folder / "state_media").mkdir(parents=True)
    for slug in slugs:
        start, proxy, extra = sources[slug]
        text = SOURCE.format(start=start, proxy=proxy, extra=extra)
        (folder / "state_media" / f"{slug}.yml").write_text(text, encoding="utf-8")


@dataclass
class Crawl:
    """A finished crawl: its process, what the server was asked and what the database holds."""

    result: subprocess.CompletedProcess[str]
    env: dict[str, str]
    db: Path
    port: int
    requests: list[tuple[str, str]]
    captures: dict[str, list[sqlite3.Row]]
    documents: dict[str, tuple[str, int]]  # url -> (text, hits)
    status: str

    def asked(self, host: str, path: str = "/") -> bool:
        """Whether our server was asked for this host (and a path beginning so)."""
        return any(asked == host and got.startswith(path) for asked, got in self.requests)


def crawl(tmp: Path, slugs: list[str],
          more_env: Callable[[HostileServer], Mapping[str, str]] | None = None) -> Crawl:
    """Crawl the named hostile sources as one run into a new database; ``more_env`` gives
    further environment variables of the crawl from the running server."""
    with HostileServer() as server:
        write_sources(tmp / "sources", server, slugs)
        env = {"SCRAPY_SETTINGS_MODULE": "tests.hostile.settings", "EVIDENCE_ROBOTSTXT_OBEY": "0",
               "EVIDENCE_SOURCES_DIR": str(tmp / "sources"), "EVIDENCE_STORE_PROCESS": "0",
               **(more_env(server) if more_env else {})}
        db = tmp / "e.db"
        result = evidence("crawl", *slugs, "--db", str(db), "--no-progress", env=env)
        requests = server.requests
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    captures: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for row in con.execute("SELECT * FROM captures ORDER BY id"):
        captures[row["url"]].append(row)
    documents = {url: (text, hits) for url, text, hits in con.execute(
        "SELECT d.url, v.text, (SELECT COUNT(*) FROM hits h WHERE h.version_id = v.id) "
        "FROM documents d JOIN versions v ON v.document_id = d.id")}
    [status] = con.execute("SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    con.close()
    return Crawl(result, env, db, server.port, requests, captures, documents, status)
