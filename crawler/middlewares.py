"""Downloader middlewares: the body's own charset over a mislabelled header, the source's proxy
(and no other), skipping stored pages."""

from __future__ import annotations

import codecs
from typing import Any

from scrapy import signals
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response, TextResponse

from pipelines.text.encoding import body_declared_charset, charset_from_content_type


def _same_codec(a: str, b: str) -> bool:
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return False


def _decodes(body: bytes, charset: str) -> bool:
    try:
        body.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


class BodyCharsetMiddleware:
    """Re-decode text responses with the source override or the body's <meta> charset.

    Chinese government portals often send ``charset=utf-8`` for GBK pages; Scrapy
    believes the header, so link texts and selectors would see mojibake.
    """

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> BodyCharsetMiddleware:
        """Enable unless EVIDENCE_BODY_CHARSET_ENABLED is false."""
        if not crawler.settings.getbool("EVIDENCE_BODY_CHARSET_ENABLED", True):
            raise NotConfigured
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        """Return the response re-decoded when its header charset is wrong."""
        if not isinstance(response, TextResponse):
            return response
        override = request.meta.get("encoding_override")
        if override:
            return response.replace(encoding=override)
        declared = body_declared_charset(response.body)
        header = charset_from_content_type(
            (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        )
        if (declared and header and not _same_codec(declared, header)
                and _decodes(response.body, declared) and not _decodes(response.body, header)):
            self.stats.inc_value("evidence/charset_header_overridden")
            return response.replace(encoding=declared)
        return response


class SourceProxyMiddleware:
    """Route a source's requests through its configured HTTP proxy (EVIDENCE_SOURCE_PROXY)."""

    def __init__(self, proxy: str | None) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Any) -> SourceProxyMiddleware:
        """Enable only when the source declares a proxy."""
        proxy = crawler.settings.get("EVIDENCE_SOURCE_PROXY")
        if not proxy:
            raise NotConfigured
        return cls(proxy)

    def process_request(self, request: Request) -> None:
        """Set the proxy unless the request already names one."""
        request.meta.setdefault("proxy", self.proxy)


class SourceOnlyProxyMiddleware(HttpProxyMiddleware):
    """Scrapy's proxy middleware without the environment's proxies unless opted in.

    Scrapy's own applies $http_proxy, $https_proxy and $no_proxy to every request without a
    proxy of its own; a proxied request's name is resolved by the proxy, so the address guard
    (crawler/guards.py) could not check it. Only the proxy a source file names is used, unless
    EVIDENCE_USE_ENV_PROXY is true (``use_env_proxy`` in evidence.toml).
    """

    @classmethod
    def from_crawler(cls, crawler: Any) -> SourceOnlyProxyMiddleware:
        """Scrapy's middleware, forgetting the environment's proxies unless opted in."""
        middleware = super().from_crawler(crawler)
        if not crawler.settings.getbool("EVIDENCE_USE_ENV_PROXY"):
            middleware.proxies = {}
        return middleware


class SkipStoredMiddleware:
    """Incremental runs: do not fetch article URLs whose document is already stored.

    Listing pages are always fetched; rechecks of stored pages (``meta["recheck"]``) pass.
    The stored URLs are read once; a worker of a shared crawl (``shared``) also asks the
    database about each URL not among them, since the other workers store pages meanwhile: a
    request taken over from a worker that was killed after storing its page is not fetched again.
    """

    def __init__(self, db: str | None, source: str, stats: Any, shared: bool = False) -> None:
        self.db = db
        self.source = source
        self.stats = stats
        self.shared = shared
        self._known: set[str] | None = None
        self._engine: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> SkipStoredMiddleware:
        """Enable when EVIDENCE_INCREMENTAL is true (the default for `evidence crawl`)."""
        if not crawler.settings.getbool("EVIDENCE_INCREMENTAL", False):
            raise NotConfigured
        skip = cls(crawler.settings.get("EVIDENCE_DB"), crawler.spidercls.name, crawler.stats,
                    shared=bool(crawler.settings.get("EVIDENCE_QUEUE_URL")))
        crawler.signals.connect(skip.close, signal=signals.spider_closed)
        return skip

    def close(self) -> None:
        """Release the database connection of the per-URL checks."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _session(self) -> Any:
        """A session on this crawl's database (one engine, opened on first use)."""
        from db.engine import open_database, session_scope

        if self._engine is None:
            self._engine = open_database(self.db)
        return session_scope(self._engine)

    def _stored_now(self, url: str) -> bool:
        from db.runs import document_stored

        with self._session() as session:
            return document_stored(session, url)

    def _known_urls(self) -> set[str]:
        if self._known is None:
            from db.runs import known_document_urls

            with self._session() as session:
                self._known = known_document_urls(session, self.source)
            if not self.shared:
                self.close()  # asked only once
        return self._known

    def process_request(self, request: Request) -> None:
        """Drop an article request whose canonical URL is already a stored document."""
        from db.urls import canonical_url

        if getattr(request.callback, "__name__", "") != "parse_article":
            return
        if request.meta.get("recheck"):
            return
        url = canonical_url(request.url)
        known = self._known_urls()
        if url not in known and self.shared and self._stored_now(url):
            known.add(url)
        if url in known:
            self.stats.inc_value("evidence/skipped_known")
            raise IgnoreRequest("already stored (incremental run)")
