"""Crawl throughput: the full pipeline (`evidence crawl`) against `scrapy bench`, same machine.

A local server on 127.0.0.1 serves the synthetic corpus as a TRS-style news site (listing pages
of 50 links, article pages with title and body); the pipeline crawls it in a subprocess with a
throw-away source definition and database, while the memory of its process tree is sampled.
`scrapy bench` (Scrapy's own link-following benchmark against its own local server) runs for a
fixed time in a directory without our settings.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.memory import PeakMemory
from bench.synthetic import document
from demo.server import send_bytes

PER_LISTING = 50
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CrawlFigures:
    """Pages fetched per second by one crawler, and its peak memory (MB) if measured."""

    name: str
    pages: int
    seconds: float
    peak_mb: float = 0.0  # RSS summed over the process tree
    peak_pss_mb: float = 0.0  # proportional: pages shared with the forked writer once

    @property
    def pages_per_second(self) -> float:
        """Pages per second."""
        return self.pages / self.seconds if self.seconds else 0.0


def _listing(page: int, count: int) -> bytes:
    first = page * PER_LISTING
    items = "".join(f'<li><a href="/a/{i}.html">第{i}篇</a></li>'
                    for i in range(first, min(first + PER_LISTING, count)))
    more = first + PER_LISTING < count
    nxt = f'<div class="page"><a class="next" href="/list/index_{page + 1}.html">下一页</a></div>'
    return (f"<html><head><meta charset='utf-8'><title>列表</title></head><body>"
            f"<ul class='news-list'>{items}</ul>{nxt if more else ''}</body></html>").encode()


def _article(index: int) -> bytes:
    text = document(index).text
    body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n"))
    return (f"<html><head><meta charset='utf-8'><title>第{index}篇</title></head><body>"
            f"<div class='main'><h1>第{index}篇 基准测试文章</h1><div class='info'>2023-05-10</div>"
            f"<div class='article-content'>{body}</div></div></body></html>").encode()


def _serve(count: int, ports: Any) -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            listing = re.fullmatch(r"/list/index(?:_(\d+))?\.html", self.path)
            article = re.fullmatch(r"/a/(\d+)\.html", self.path)
            if listing:
                body = _listing(int(listing.group(1) or 0), count)
            elif article and int(article.group(1)) < count:
                body = _article(int(article.group(1)))
            else:
                self.send_error(404)
                return
            send_bytes(self, 200, "text/html; charset=utf-8", body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ports.put(server.server_address[1])
    server.serve_forever()


def _source_yaml(base: str, count: int) -> str:
    return f"""publisher: 基准测试站点（合成）
kind: state_media
language: zh
strategy: listing
start_urls: ["{base}/list/index.html"]
links:
  article: {{css: "ul.news-list li a", pattern: "/a/\\\\d+\\\\.html$"}}
  next_page: {{css: "div.page a.next"}}
  max_pages: {count // PER_LISTING + 2}
selectors: {{title: "div.main h1", body: "div.article-content", date: "div.info"}}
politeness: {{download_delay: 0, concurrency: 16, download_timeout: 30}}
expect: {{min_items: 1}}
allow_private_addresses: true  # served on 127.0.0.1
"""


_CHILD = """
import json, sys
from evidence.services.crawl import run_crawl
outcome = run_crawl(["bench-site"], sys.argv[1], incremental=False)
print(json.dumps(outcome.stats, default=str))
"""


def _find(stats: Any, key: str) -> float:
    """The first numeric value of ``key`` anywhere in nested stats."""
    if isinstance(stats, dict):
        if isinstance(stats.get(key), int | float):
            return float(stats[key])
        for value in stats.values():
            if found := _find(value, key):
                return found
    return 0.0


def pipeline_crawl(count: int) -> CrawlFigures:
    """Crawl ``count`` synthetic articles with the full pipeline; pages/s and peak memory."""
    ports: Any = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(count, ports), daemon=True)
    server.start()
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=30)}"
        with tempfile.TemporaryDirectory() as tmp:
            sources = Path(tmp) / "sources" / "state_media"
            sources.mkdir(parents=True)
            (sources / "bench-site.yml").write_text(_source_yaml(base, count), encoding="utf-8")
            env = dict(os.environ, EVIDENCE_SOURCES_DIR=str(sources.parent),
                       PYTHONPATH=str(ROOT))
            child = subprocess.Popen([sys.executable, "-c", _CHILD, str(Path(tmp) / "c.db")],
                                     env=env, cwd=tmp, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
            with PeakMemory(pid=child.pid) as memory:
                out, err = child.communicate()
            if child.returncode != 0:
                raise RuntimeError(f"pipeline crawl failed: {err.strip()[-500:]}")
        stats = json.loads(out.strip().splitlines()[-1])
    finally:
        server.terminate()
    pages = _find(stats, "response_received_count")
    return CrawlFigures("pipeline", int(pages), _find(stats, "elapsed_time_seconds"),
                        memory.peak_mb, memory.peak_pss_mb)


def scrapy_bench(seconds: int = 15) -> CrawlFigures:
    """`scrapy bench` for ``seconds``: Scrapy alone, following links on its local server."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
             "-s", "LOG_LEVEL=INFO"], cwd=tmp, capture_output=True, text=True, timeout=600)
    log = done.stderr
    pages = re.findall(r"'response_received_count': (\d+)", log)
    elapsed = re.findall(r"'elapsed_time_seconds': ([\d.]+)", log)
    if done.returncode != 0 or not pages or not elapsed:
        raise RuntimeError(f"scrapy bench failed: {log.strip()[-500:]}")
    return CrawlFigures("scrapy bench", int(pages[-1]), float(elapsed[-1]))


def timed(func: Any, *args: Any) -> tuple[Any, float]:
    """Result and wall time of a call."""
    started = time.perf_counter()
    return func(*args), time.perf_counter() - started
