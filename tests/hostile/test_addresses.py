"""How crawler.guards reads hosts: the spellings a hostile page may use for internal addresses."""

from __future__ import annotations

import pytest

from crawler.guards import host_problem, within_sites


@pytest.mark.parametrize(("host", "problem"), [
    ("127.0.0.1", "loopback"), ("127.1", "loopback"), ("0x7f.0.0.1", "loopback"),
    ("2130706433", "loopback"), ("0177.0.0.1", "loopback"), ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"), ("localhost", "loopback"), ("a.localhost.", "loopback"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("10.20.30.40", "private"),
    ("192.168.1.1", "private"), ("172.16.0.1", "private"), ("fd00::1", "private"),
    ("0.0.0.0", "unspecified"), ("100.64.0.1", "non-global"), ("224.0.0.1", "multicast"),
])
def test_internal_spellings_are_not_public(host: str, problem: str) -> None:
    assert host_problem(host) == problem


@pytest.mark.parametrize("host", ["8.8.8.8", "2001:4860:4860::8888", "www.gov.cn", "cafe.be",
                                  "deadbeef"])
def test_public_addresses_and_names_pass_by_spelling(host: str) -> None:
    assert host_problem(host) is None  # a name is checked by what it resolves to


def test_sites_include_subdomains_only() -> None:
    sites = {"ts.cn", "xinjiang.gov.cn"}
    assert within_sites("http://news.ts.cn/a.html", sites)
    assert within_sites("https://xinjiang.gov.cn/x", sites)
    assert not within_sites("http://evilts.cn/a.html", sites)
    assert not within_sites("http://ts.cn.evil.example/", sites)
    assert not within_sites("javascript:alert(1)", sites)
