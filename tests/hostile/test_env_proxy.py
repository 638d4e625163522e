"""Proxies from the environment ($http_proxy, $https_proxy) are not used unless the operator opts
in (EVIDENCE_USE_ENV_PROXY): a proxied request's name is resolved by the proxy, so the address
guard could not check it (issue 16). Our hostile server on 127.0.0.1 plays the proxy and records
every request it gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.crawl import crawl
from tests.hostile.server import HostileServer

pytestmark = pytest.mark.slow  # two real crawls


def proxy_env(server: HostileServer, opt_in: bool) -> dict[str, str]:
    """The environment of a crawl on a machine whose proxy variables name our server."""
    env = {name: server.url for name in ("http_proxy", "https_proxy", "HTTP_PROXY",
                                         "HTTPS_PROXY")}
    env.update(no_proxy="", NO_PROXY="")
    if opt_in:
        env["EVIDENCE_USE_ENV_PROXY"] = "1"
    return env


def test_environment_proxy_is_not_used_and_the_guard_still_checks(tmp_path: Path) -> None:
    """direct.hostile.example resolves to 127.0.0.1 (tests.hostile.resolver): refused before
    anything is sent, and the proxy of the environment is never asked."""
    run = crawl(tmp_path, ["hostile-direct"], lambda server: proxy_env(server, opt_in=False))
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert run.requests == [], "nothing went through the environment's proxy"
    url = f"http://direct.hostile.example:{run.port}/direct/index.html"
    [row] = run.captures[url]
    assert row["error"].startswith(
        "blocked_address: direct.hostile.example resolves to 127.0.0.1, which is a loopback")
    assert row["proxy"] is None
    assert not run.documents


def test_opting_in_uses_the_environment_proxy_which_resolves_names(tmp_path: Path) -> None:
    """The documented consequence: through the proxy, a name is not resolved by the crawler,
    so one that leads to this machine is fetched (only names spelling a private address are
    refused)."""
    run = crawl(tmp_path, ["hostile-direct"], lambda server: proxy_env(server, opt_in=True))
    assert run.result.returncode == 0, run.result.stderr[-3000:]
    assert run.asked("direct.hostile.example", "/direct/index.html")
    assert run.asked("direct.hostile.example", "/direct/article.html")
    article = f"http://direct.hostile.example:{run.port}/direct/article.html"
    assert run.documents[article][1] > 0
    [row] = run.captures[article]
    assert row["error"] is None and row["proxy"] == f"http://127.0.0.1:{run.port}"
