"""Downloader middlewares: trust the body's own charset over a mislabelled HTTP header."""

from __future__ import annotations

import codecs
from typing import Any

from scrapy.exceptions import NotConfigured
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
