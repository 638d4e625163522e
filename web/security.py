"""Response headers that keep crawled content inert; the host names the desk answers to; the
same-origin and token checks of every request that changes something (reviews, missed evidence).

Only requests naming an allowed host are served (Starlette's TrustedHostMiddleware): a hostile
web page whose own name is made to resolve to 127.0.0.1 (DNS rebinding) sends its own name as
``Host`` and is refused before it can read a page or a token. Every form the desk renders carries
the form token (``csrf``: random per server process, and per signed-in user when logins are
required); a POST without it, or from another origin, is refused. A page opened before the server
restarted must be reloaded to get the new token.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

# Our own pages: scripts and styles only from our /static files, nothing from elsewhere.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
# Archived copies: no script runs, no request leaves the machine, forms are dead (sandbox).
ARCHIVE_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox"
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class SecurityHeaders:
    """ASGI middleware adding CSP and friends to every response that does not set its own."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap ``send`` to add the headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                for name, value in _defaults():
                    if name not in names:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _defaults() -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", PAGE_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"SAMEORIGIN"),
    ]


def same_origin(origin: str | None, host: str | None) -> bool:
    """Whether a POST comes from our own pages (no Origin header: a non-browser client)."""
    if not origin:
        return True
    return bool(host) and urlsplit(origin).netloc == host


def new_form_token() -> str:
    """A random token the desk's forms carry (one per server process)."""
    return secrets.token_urlsafe(32)


def user_form_token(server_token: str, user: str | None) -> str:
    """The token of one signed-in user's forms (the server's own without a login)."""
    if not user:
        return server_token
    return hmac.new(server_token.encode(), user.encode(), hashlib.sha256).hexdigest()


LOOPBACK_NAMES = ("localhost", "127.0.0.1")


def is_loopback(host: str) -> bool:
    """Whether a bind address reaches this machine only (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: whatever it resolves to may be reachable by others


def host_name(name: str) -> str:
    """A name or address as TrustedHostMiddleware compares it with ``Host`` (IPv6 bracketed);
    ValueError for what no Host header can match (a scheme, a port, a bare ``*``)."""
    name = name.strip().lower()
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        bad = not name or "/" in name or ":" in name or \
            ("*" in name and not (name.startswith("*.") and "*" not in name[1:]))
        if bad:
            raise ValueError(f"allowed host {name!r}: a host name or address (or *.domain), "
                             "without scheme or port") from None
        return name
    return f"[{address}]" if address.version == 6 else str(address)


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> list[str]:
    """Host names the desk answers to: localhost, 127.0.0.1, the bound address, ``extra``.

    A wildcard bind (0.0.0.0, ::) is no name anyone types: name the machine with ``extra``.
    """
    wanted = [*LOOPBACK_NAMES]
    if bind.strip("[]") not in ("0.0.0.0", "::", ""):
        wanted.append(bind)
    return list(dict.fromkeys(host_name(n) for n in [*wanted, *extra]))


def token_ok(expected: str, given: str | None) -> bool:
    """Whether a form carried the server's token (compared in constant time)."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go back to after a form (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value
