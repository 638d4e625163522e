"""A DNS resolver for the hostile tests: a few test names resolve to 127.0.0.1, nothing else.

Set as TWISTED_DNS_RESOLVER (tests.hostile.settings), it makes ``direct.hostile.example`` look
like any public name to the crawler while it is served by our server on 127.0.0.1, so that only
the address the crawler resolves or connects to can tell. No query leaves the machine: an
address is answered as itself, every other name fails. ``flaky.hostile.example`` fails its first
lookup (the crawler's check before sending) and answers 127.0.0.1 afterwards (the connection's),
as a name that resolves differently the second time would (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

NAMES = frozenset({"direct.hostile.example", "flaky.hostile.example"})


@implementer(IResolverSimple)
class LocalOnlyResolver:
    """Resolve the test names to 127.0.0.1 and addresses to themselves; refuse the rest."""

    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor
        self.asked: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> LocalOnlyResolver:
        """Scrapy's resolver factory."""
        return cls(reactor)

    def install_on_reactor(self) -> None:
        """Become the reactor's resolver."""
        self.reactor.installResolver(self)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:  # noqa: N802
        """Answer 127.0.0.1 for a test name (flaky: not the first time), an address as itself."""
        try:
            return defer.succeed(str(ipaddress.ip_address(name)))
        except ValueError:
            pass
        first = name not in self.asked
        self.asked.add(name)
        if name in NAMES and not (first and name.startswith("flaky.")):
            return defer.succeed("127.0.0.1")
        return defer.fail(DNSLookupError(name))
