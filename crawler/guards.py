"""Guards of the crawl against hostile pages: private addresses, redirect loops, bombs, refreshes.

The sites we crawl are run by the parties under investigation, so a page may try to turn the
crawler against the machine it runs on (SSRF: a redirect to 127.0.0.1, a private network or the
cloud metadata address 169.254.169.254) or make fetches vanish without a trace (a compression
bomb, a redirect loop, a redirect to a ``file:`` address). Every refusal is a :class:`Refused`
with the error the capture records; an answer that no callback reads is described by
:func:`unread_answer`.

Addresses: a request whose host is a non-public address, or a name that resolves to one, is
refused before it is sent; the address a response actually came from (``Response.ip_address``,
the peer of the connection) is checked again, so a name that resolves differently the second
time (DNS rebinding) is caught too and its response discarded. A proxied request connects to the
source's own proxy, which the source file names (configuration, not page content): its target is
checked by the URL's host alone, since the proxy resolves names itself. A source file may allow
private addresses (``allow_private_addresses: true``: the local demo and the tests).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import get_meta_refresh

if TYPE_CHECKING:
    from crawler.sources import SourceConfig

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
FETCHED_SCHEMES = frozenset({"http", "https"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})  # what Scrapy's redirects follow
# hosts the C library reads as IPv4 addresses: 127.1, 0x7f.0.0.1, 2130706433, 0177.0.0.1
_NUMERIC_HOST = re.compile(r"[0-9a-fx.]+", re.IGNORECASE)
# meta keys of one fetch, not carried to the request a refresh makes
_TRANSIENT_META = ("redirect_", "download_", "retry_", "_")


class Refused(Exception):
    """A request or response the crawler refuses; ``reason`` is the error its capture records."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def literal_address(host: str) -> IPAddress | None:
    """The address a URL host spells out (also the short forms 127.1, 0x7f.1), or None."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not _NUMERIC_HOST.fullmatch(host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def address_problem(address: IPAddress) -> str | None:
    """Why an address is not public (loopback, link-local, private ...), or None when it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    for kind in ("unspecified", "loopback", "link_local", "private", "multicast", "reserved"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if address.is_global else "non-global"


def host_problem(host: str) -> str | None:
    """Why a URL host is not public by its spelling alone (a loopback name or address)."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    address = literal_address(host)
    return address_problem(address) if address is not None else None


def _blocked(what: str, problem: str) -> Refused:
    return Refused(f"blocked_address: {what} is a {problem} address, not a public one (the "
                   "source does not allow private addresses)")


class AddressGuardMiddleware:
    """Refuse non-http(s) URLs, and requests to or responses from non-public addresses (SSRF)."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressGuardMiddleware:
        """Read the crawled source's allowance (allow_private_addresses)."""
        source = getattr(crawler.spidercls, "source", None)
        return cls(bool(getattr(source, "allow_private_addresses", False)))

    async def process_request(self, request: Request) -> None:
        """Refuse a request, before it is sent, whose host is or resolves to no public address."""
        parts = urlparse_cached(request)
        if parts.scheme not in FETCHED_SCHEMES:
            raise Refused(f"blocked_scheme: {parts.scheme}: URLs are never fetched")
        if self.allow_private:
            return
        host = parts.hostname or ""
        problem = host_problem(host)
        if problem:
            raise _blocked(host, problem)
        if request.meta.get("proxy") or literal_address(host) is not None:
            return  # a proxy resolves the name itself; a public literal needs no lookup
        address = await resolve(host)
        problem = address_problem(address) if address is not None else None
        if problem:
            raise _blocked(f"{host} resolves to {address}, which", problem)

    def process_response(self, request: Request, response: Response) -> Response:
        """Discard a response that came from a non-public address (the connection's peer)."""
        if self.allow_private or request.meta.get("proxy") or response.ip_address is None:
            return response
        problem = address_problem(response.ip_address)
        if problem:
            raise _blocked(f"the answer came from {response.ip_address}, which", problem)
        return response


async def resolve(host: str) -> IPAddress | None:
    """Resolve a name with the crawl's own resolver and cache (the connection asks the same)."""
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor as installed
    from twisted.internet.error import DNSLookupError

    reactor: Any = installed
    try:
        answer = await maybe_deferred_to_future(reactor.resolve(host))
    except DNSLookupError:
        return None  # the connection fails the same way, or its answer is checked after it
    return literal_address(str(answer))


class GuardedRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects, with a loop or an endless chain recorded instead of dropped silently.

    A redirect back to an address of the chain would be dropped by the duplicate filter, and
    Scrapy ignores a chain past REDIRECT_MAX_TIMES: both left no trace of the page.
    """

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        """Follow a redirect unless it loops or the chain is too long (then refuse it)."""
        chain = [*request.meta.get("redirect_urls", []), request.url]
        try:
            result = super().process_response(request, response)
        except IgnoreRequest as exc:
            raise Refused(f"too_many_redirects: more than {self.max_redirect_times}: "
                          f"{' → '.join(chain[-3:])} → …") from exc
        if isinstance(result, Request) and _unfragment(result.url) in map(_unfragment, chain):
            raise Refused(f"redirect_loop: {' → '.join([*chain, result.url])}")
        return result


def _unfragment(url: str) -> str:
    return url.split("#", 1)[0]


def unread_answer(response: Response) -> str:
    """Why an answer no callback read (HttpError: a status the request does not take) is not
    the page: a redirect Scrapy could not follow (to no http(s) address, or without a Location),
    or another status. Its capture records this instead of the answer vanishing."""
    status, location = response.status, response.headers.get(b"Location")
    if status not in REDIRECT_STATUSES:
        return f"http_{status}: an answer the crawler neither follows nor reads"
    if not location:
        return f"redirect_without_location: HTTP {status} without a Location: nowhere to go"
    target = location.decode("latin-1").strip()
    try:
        scheme = urlsplit(urljoin(response.url, target)).scheme
    except ValueError:
        scheme = ""
    if scheme in FETCHED_SCHEMES:
        return f"redirect_not_followed: HTTP {status} to {target[:300]}"
    return (f"redirect_not_http: HTTP {status} to {target[:300]}, not an http(s) address: "
            "not followed")


class BoundedDecompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression, with a body that grows past the size limit (a compression bomb)
    recorded as too large instead of dropped silently (Scrapy stops decompressing at the limit)."""

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        """Decompress the body, or refuse it when it grows past DOWNLOAD_MAXSIZE."""
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            raise Refused(f"too_large: the body ({len(response.body)} B compressed) exceeded the "
                          "download size limit when decompressed (a compression bomb?)") from exc


def source_sites(source: SourceConfig) -> frozenset[str]:
    """The sites a source covers: the hosts of its start, API and edition URLs, minus 'www.'."""
    urls = [*source.start_urls, source.api.url if source.api else "",
            source.edition.issue_url if source.edition else "",
            source.archive.replay if source.archive else ""]
    hosts = (_host(url) for url in urls if url)
    return frozenset(host.removeprefix("www.") for host in hosts if host)


def within_sites(url: str, sites: Iterable[str]) -> bool:
    """Whether a URL is on one of the sites or a subdomain of one."""
    host = _host(url)
    return bool(host) and any(host == site or host.endswith(f".{site}") for site in sites)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def refresh_target(response: Response, max_delay: float, ignore_tags: Iterable[str]) -> str | None:
    """The URL an HTML page's meta refresh sends to (within max_delay seconds), if another."""
    if not isinstance(response, HtmlResponse):
        return None
    interval, url = get_meta_refresh(response, ignore_tags=ignore_tags)
    if url is None or interval is None or interval >= max_delay or url == response.url:
        return None
    return url


def refresh_request(response: Response, target: str) -> Request:
    """The page's own request aimed at its refresh target: a page of its own, not a redirect."""
    assert response.request is not None
    meta = {key: value for key, value in response.meta.items()
            if not key.startswith(_TRANSIENT_META)}
    meta["refreshed_from"] = response.url
    return response.request.replace(url=target, meta=meta)


class RefreshMiddleware:
    """Spider middleware: after a page's own output, hand its meta refresh to the spider.

    Scrapy's MetaRefreshMiddleware (turned off: METAREFRESH_ENABLED) replaced the page by its
    target, wherever it led: the page itself was lost. The spider's ``follow_refresh`` decides.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.max_delay = crawler.settings.getfloat("METAREFRESH_MAXDELAY")
        self.ignore_tags = crawler.settings.getlist("METAREFRESH_IGNORE_TAGS")

    @classmethod
    def from_crawler(cls, crawler: Any) -> RefreshMiddleware:
        """Build the middleware (always on)."""
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        """Pass the callback's output on, then what the page's refresh leads to."""
        yield from result
        yield from self._refresh(response)

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """The same for asynchronous callback output."""
        async for element in result:
            yield element
        for element in self._refresh(response):
            yield element

    def _refresh(self, response: Response) -> Iterator[Any]:
        follow = getattr(self.crawler.spider, "follow_refresh", None)
        target = refresh_target(response, self.max_delay, self.ignore_tags)
        if follow is not None and target is not None:
            yield from follow(response, target)
