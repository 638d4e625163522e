"""Our hostile website: pages that try to turn the crawler against its owner or lose fetches.

It listens on 127.0.0.1 only and answers both plain requests and proxy-form requests
(``GET http://news.hostile.example/path``), so that a source can name it as its proxy, like the
demo's: every address a hostile page sends the crawler to (127.0.0.1, 169.254.169.254,
10.20.30.40, elsewhere.example) then arrives here too, and nothing ever leaves the machine. For
those internal addresses it plays the internal service and answers a "secret" page that reads
like evidence, so that a crawler that follows would store, flag and cite it. ``requests`` lists
every (host, path) asked for.
"""

from __future__ import annotations

import gzip
import threading
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PUBLIC = "news.hostile.example"  # the "public" site of the proxied sources
INTERNAL = ("127.0.0.1", "169.254.169.254", "10.20.30.40")
BOMB_BYTES = 64 * 1024 * 1024  # decompressed size of the gzip bomb (under 100 KiB on the wire)
EVIDENCE = ("新疆维吾尔自治区人力资源和社会保障厅通知：今年组织南疆富余劳动力转移就业三万人，"
            "由各县统一输送到内地企业务工。")
SECRET = "内部系统（不应被抓取）：" + EVIDENCE


def page(title: str, body: str, head: str = "", charset: str = "utf-8") -> str:
    """A small HTML page with the given title, body and extra head elements."""
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"<!DOCTYPE html><html><head>{meta}<title>{title}</title>{head}</head><body>"
            f"<h1>{title}</h1><div class='content'>{body}</div></body></html>")


def article(title: str) -> str:
    """An article page whose text is long enough to be stored and flagged."""
    return page(title, f"<p>{EVIDENCE}</p><p>{title}：本文为测试用虚构内容。</p>" * 3)


def listing(links: list[str], next_page: str = "") -> str:
    """A listing page: links in this order, then an optional next-page link."""
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    more = f'<div class="page"><a class="next" href="{next_page}">下一页</a></div>' \
        if next_page else ""
    return page("列表", f'<ul class="list">{items}</ul>{more}')


def refresh(title: str, target: str) -> str:
    """A page with its own text that refreshes to ``target`` at once."""
    head = f'<meta http-equiv="refresh" content="0; url={target}">'
    return page(title, f"<p>{EVIDENCE}</p><p>{title}：本页自动跳转。</p>" * 3, head)


class _Handler(BaseHTTPRequestHandler):
    """Answer every request from the route table of the host asked for."""

    server: _Server
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Stay quiet."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        """Serve a GET (plain or proxy form)."""
        host, path = self._target()
        with self.server.lock:
            self.server.requests.append((host, path))
        if host in INTERNAL and not path.startswith("/direct/"):  # /direct/: the allowed source
            self._send(200, page("内部", SECRET).encode(), "text/html; charset=utf-8")
        elif host == "elsewhere.example":
            self._send(200, article("别处的页面").encode(), "text/html; charset=utf-8")
        else:
            self.server.routes(self, path)

    def _target(self) -> tuple[str, str]:
        """The host and path asked for: from a proxy-form URL, else from the Host header."""
        parts = urllib.parse.urlsplit(self.path)
        if parts.scheme:
            return parts.hostname or "", parts.path + (f"?{parts.query}" if parts.query else "")
        return (self.headers.get("Host") or "").rsplit(":", 1)[0], self.path

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def html(self, text: str) -> None:
        """Send a UTF-8 HTML page."""
        self._send(200, text.encode(), "text/html; charset=utf-8")

    def redirect(self, location: str) -> None:
        """Send a 302 to ``location``."""
        self._send(302, b"", "text/html", {"Location": location})

    def answer(self, status: int, headers: dict[str, str] | None = None) -> None:
        """Send a status with a short HTML body and the given headers (e.g. a Location)."""
        self._send(status, page(f"HTTP {status}", "").encode(), "text/html; charset=utf-8",
                   headers)

    def raw(self, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        """Send bytes as they are."""
        self._send(200, body, content_type, headers)

    def not_found(self) -> None:
        """Send a 404."""
        self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    lock: threading.Lock
    requests: list[tuple[str, str]]
    routes: Callable[[_Handler, str], None]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hang up (the crawler drops a bomb half-read)."""


class HostileServer:
    """Serve the hostile site on 127.0.0.1 in a background thread (a context manager)."""

    def __init__(self) -> None:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.lock = threading.Lock()
        self._httpd.requests = []
        self._httpd.routes = self._route
        self.port = int(self._httpd.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._bomb = gzip.compress(b"<html><body>" + b" " * BOMB_BYTES, compresslevel=9)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def requests(self) -> list[tuple[str, str]]:
        """Every (host, path) asked for so far."""
        with self._httpd.lock:
            return list(self._httpd.requests)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _route(self, handler: _Handler, path: str) -> None:
        """The pages of the public site (and of the names that resolve to this server)."""
        internal = f"http://127.0.0.1:{self.port}/internal/secret.html"
        fixed: dict[str, Callable[[], None]] = {
            # SSRF by redirect: a public page sends the crawler to internal addresses
            "/ssrf/index.html": lambda: handler.html(listing(
                ["/ssrf/loopback.html", "/ssrf/metadata.html", "/ssrf/private.html",
                 "/ssrf/fine.html"])),
            "/ssrf/loopback.html": lambda: handler.redirect(internal),
            "/ssrf/metadata.html": lambda: handler.redirect(
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/"),
            "/ssrf/private.html": lambda: handler.redirect("http://10.20.30.40/admin/"),
            "/ssrf/fine.html": lambda: handler.html(article("正常的文章")),
            # meta refresh: within the site, to another site, to an internal address
            "/refresh/index.html": lambda: handler.html(listing(
                ["/refresh/inside.html", "/refresh/offsite.html", "/refresh/private.html"])),
            "/refresh/inside.html": lambda: handler.html(refresh(
                "站内跳转", "http://news.hostile.example/refresh/target.html")),
            "/refresh/target.html": lambda: handler.html(article("跳转目标")),
            "/refresh/offsite.html": lambda: handler.html(refresh(
                "站外跳转", "http://elsewhere.example/landing.html")),
            "/refresh/private.html": lambda: handler.html(refresh("内网跳转", internal)),
            # links that are no HTTP addresses, before the real articles and the next page
            "/links/index.html": lambda: handler.html(listing(
                ["javascript:void(0)", "mailto:press@hostile.example", "tel:+86-991-0000000",
                 "data:text/html,<h1>injected</h1>", "http://[::1", "/links/a1.html",
                 "/links/a2.html", "/links/a3.html"], next_page="/links/index_1.html")),
            "/links/index_1.html": lambda: handler.html(listing(
                ["javascript:alert(1)", "/links/a4.html", "/links/a5.html"])),
            # losses that left no trace
            "/losses/index.html": lambda: handler.html(listing(
                ["/losses/bomb.html", "/losses/loop-a.html", "/losses/chain/1.html",
                 "/losses/mojibake.html"])),
            "/losses/bomb.html": lambda: handler.raw(self._bomb, "text/html; charset=utf-8",
                                                     {"Content-Encoding": "gzip"}),
            "/losses/loop-a.html": lambda: handler.redirect("/losses/loop-b.html"),
            "/losses/loop-b.html": lambda: handler.redirect("/losses/loop-a.html"),
            "/losses/mojibake.html": lambda: handler.raw(
                page("乱码测试", f"<p>{EVIDENCE}</p>" * 3, charset="").encode("utf-8"),
                "text/html; charset=ISO-8859-1"),
            # 3xx answers Scrapy does not follow: to a non-HTTP address, without a Location,
            # a status that is no redirect it knows
            "/redirects/index.html": lambda: handler.html(listing(
                ["/redirects/file.html", "/redirects/nowhere.html", "/redirects/choices.html",
                 "/redirects/fine.html"])),
            "/redirects/file.html": lambda: handler.answer(302, {"Location": "file:///etc/passwd"}),
            "/redirects/nowhere.html": lambda: handler.answer(301),
            "/redirects/choices.html": lambda: handler.answer(300),
            "/redirects/fine.html": lambda: handler.redirect("/ssrf/fine.html"),
            # a listing whose parsing dies half-way (tests.hostile.faults)
            "/explode/index.html": lambda: handler.html(listing(
                ["/explode/a1.html", "/explode/a2.html"])),
            # pages reached without a proxy, through names the test resolver maps to 127.0.0.1
            "/direct/index.html": lambda: handler.html(listing(["/direct/article.html"])),
            "/direct/article.html": lambda: handler.html(article("直连文章")),
        }
        if path in fixed:
            fixed[path]()
        elif path.startswith(("/links/a", "/explode/a")):
            handler.html(article(path))
        elif path.startswith("/losses/chain/"):
            number = int(path.rsplit("/", 1)[1].split(".")[0])
            handler.redirect(f"/losses/chain/{number + 1}.html")
        elif path == "/robots.txt":
            handler.raw(b"User-agent: *\nAllow: /\n", "text/plain")
        else:
            handler.not_found()
