"""Logins for a desk served beyond this machine: HTTP basic authentication against a users file
(one ``name:scrypt$…`` line per analyst) or a shared team token.

With a users file the reviewer recorded on every decision is the signed-in name. With a token
any name may be typed in the login box (the token proves membership of the team, not who one
is). Basic authentication sends the password with every request: beyond one machine, serve the
desk behind a TLS reverse proxy (docs/desk.md#exposing-the-desk).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse

SCRYPT = (2**14, 8, 1)  # n, r, p: about 50 ms and 16 MiB per check
REALM = 'Basic realm="Evidence desk", charset="UTF-8"'

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class LoginError(ValueError):
    """A users file or user name that cannot be used; names the file and line."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """The stored form of a password: ``scrypt$n$r$p$salt$hash`` (base64)."""
    n, r, p = SCRYPT
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def password_matches(password: str, stored: str) -> bool:
    """Whether ``password`` gives the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest, validate=True)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt, validate=True),
                             n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, binascii.Error):
        return False
    return scheme == "scrypt" and hmac.compare_digest(got, expected)


def check_name(name: str) -> str:
    """A user name as stored: 1-100 characters, no colon, no control or edge spaces."""
    if not name or len(name) > 100 or ":" in name or name != name.strip() or \
            any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise LoginError(f"user name {name!r}: 1-100 characters, no colon, no control "
                         "characters or leading/trailing spaces")
    return name


def read_users(path: Path) -> dict[str, str]:
    """The users file: name -> password hash (``#`` comments and blank lines skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LoginError(f"{path}: cannot read the users file: {exc}") from exc
    users: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, stored = line.partition(":")
        if not stored.startswith("scrypt$") or stored.count("$") != 5:
            raise LoginError(f"{path}, line {number}: not 'name:scrypt$…' (add users with "
                             "`evidence serve --add-user NAME --users FILE`)")
        users[check_name(name)] = stored
    return users


def add_user(path: Path, name: str, password: str) -> None:
    """Add or replace a user in the users file (created readable by its owner only)."""
    if not password:
        raise LoginError("an empty password is not accepted")
    users = read_users(path) if path.exists() else {}
    users[check_name(name)] = hash_password(password)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("# evidence serve --users: name:scrypt$n$r$p$salt$hash\n")
        handle.writelines(f"{user}:{stored}\n" for user, stored in users.items())


@dataclass
class Login:
    """Who may use the desk: users with passwords, or anyone holding the team token."""

    users: dict[str, str] = field(default_factory=dict)
    token: str | None = None
    _good: set[str] = field(default_factory=set, repr=False)

    def check(self, name: str, password: str) -> bool:
        """Whether the name and password (or token) let one in; successes are remembered."""
        key = hashlib.sha256(f"{name}\0{password}".encode()).hexdigest()
        if key in self._good:
            return True
        stored = self.users.get(name)
        ok = bool(stored) and password_matches(password, stored or "")
        if not ok and self.token and name.strip():
            ok = hmac.compare_digest(password.encode(), self.token.encode())
        if ok:
            self._good.add(key)
        return ok


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """The name and password of an ``Authorization: Basic …`` header."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        name, colon, password = base64.b64decode(value.strip(), validate=True) \
            .decode("utf-8").partition(":")
    except (ValueError, binascii.Error):
        return None
    return (name, password) if colon else None


class RequireLogin:
    """ASGI middleware: every HTTP request needs a valid login; the name goes to scope["user"]."""

    def __init__(self, app: App, login: Login) -> None:
        self.app = app
        self.login = login

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass a signed-in request on; answer 401 to any other."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        name, password = basic_credentials(
            headers.get(b"authorization", b"").decode("latin-1")) or ("", "")
        signed_in: bool = await run_in_threadpool(self.login.check, name, password) \
            if name else False
        if signed_in:
            scope["user"] = name
            await self.app(scope, receive, send)
            return
        refused = PlainTextResponse("Sign in to use the evidence desk.", status_code=401,
                                    headers={"www-authenticate": REALM})
        await refused(scope, receive, send)
