"""Real crawls of our hostile site: the crawler is not turned against its owner and loses nothing
silently (issue 16). `evidence crawl` runs in a subprocess with the test resolver
(tests.hostile.settings); every address it is sent to is served by our server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import evidence
from tests.hostile.crawl import ORIGIN, Crawl, crawl
from tests.hostile.server import EVIDENCE, INTERNAL, PUBLIC

pytestmark = pytest.mark.slow  # two real crawls


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    """One run over every hostile source but the one whose parsing is made to fail."""
    yield crawl(tmp_path_factory.mktemp("hostile"), [
        "hostile-ssrf", "hostile-refresh", "hostile-links", "hostile-losses", "hostile-redirects",
        "hostile-direct", "hostile-rebind", "hostile-allowed"])


def error_of(run: Crawl, url: str) -> str:
    """The error of the one capture of a URL (which stored no bytes)."""
    [row] = run.captures[url]
    assert row["sha256"] is None, "a refused fetch stores nothing"
    return str(row["error"])


@pytest.mark.parametrize(("path", "address", "kind"), [
    ("/ssrf/loopback.html", "127.0.0.1", "loopback"),
    ("/ssrf/metadata.html", "169.254.169.254", "link-local"),
    ("/ssrf/private.html", "10.20.30.40", "private"),
])
def test_redirect_to_an_internal_address_is_refused_and_recorded(
        hostile: Crawl, path: str, address: str, kind: str) -> None:
    url = ORIGIN + path
    assert error_of(hostile, url).startswith(f"blocked_address: {address} is a {kind} address")
    [row] = hostile.captures[url]
    assert address in row["final_url"]  # the refused hop
    assert url not in hostile.documents
    assert not hostile.asked(address, "/" if address != "127.0.0.1" else "/internal"), \
        "the internal address was never asked"


def test_nothing_internal_is_stored_or_cited(hostile: Crawl) -> None:
    assert not any("内部系统" in text for text, _ in hostile.documents.values())
    assert hostile.documents[f"{ORIGIN}/ssrf/fine.html"][1] > 0  # the public site is crawled


def test_name_resolving_to_loopback_is_refused_before_sending(hostile: Crawl) -> None:
    url = f"http://direct.hostile.example:{hostile.port}/direct/index.html"
    assert error_of(hostile, url).startswith(
        "blocked_address: direct.hostile.example resolves to 127.0.0.1, which is a loopback")
    assert not hostile.asked("direct.hostile.example")


def test_address_connected_to_is_checked(hostile: Crawl) -> None:
    """The name resolved only when the connection asked (as under DNS rebinding): the answer
    came from 127.0.0.1 and is discarded."""
    url = f"http://flaky.hostile.example:{hostile.port}/direct/index.html"
    assert hostile.asked("flaky.hostile.example")
    assert error_of(hostile, url).startswith(
        "blocked_address: the answer came from 127.0.0.1, which is a loopback address")
    assert not any("flaky" in url for url in hostile.documents)


def test_a_source_may_allow_private_addresses(hostile: Crawl) -> None:
    assert hostile.documents[f"http://127.0.0.1:{hostile.port}/direct/article.html"][1] > 0


def test_meta_refresh_keeps_the_page_and_stays_on_the_site(hostile: Crawl) -> None:
    for page in ("inside", "offsite", "private"):
        text, hits = hostile.documents[f"{ORIGIN}/refresh/{page}.html"]
        assert hits > 0 and "本页自动跳转" in text  # the page itself, as captured
    assert f"{ORIGIN}/refresh/target.html" in hostile.documents  # followed within the site
    internal = f"http://127.0.0.1:{hostile.port}/internal/secret.html"
    for page, target in (("offsite", "http://elsewhere.example/landing.html"),
                         ("private", internal)):
        [refused] = [row for row in hostile.captures[f"{ORIGIN}/refresh/{page}.html"]
                     if row["error"]]
        assert refused["error"].startswith("refresh_offsite:") and refused["final_url"] == target
    assert not hostile.asked("elsewhere.example") and not hostile.asked("127.0.0.1", "/internal")


def test_links_that_are_no_http_addresses_do_not_end_a_listing(hostile: Crawl) -> None:
    assert hostile.result.returncode == 0, hostile.result.stderr[-3000:]
    assert hostile.status == "finished"  # refusals are recorded errors, not a broken run
    assert "Traceback" not in hostile.result.stdout + hostile.result.stderr
    for n in range(1, 6):
        assert hostile.documents[f"{ORIGIN}/links/a{n}.html"][1] > 0
    assert [row["error"] for row in hostile.captures[f"{ORIGIN}/links/index_1.html"]] == [None]
    assert not [url for url in hostile.captures if not url.startswith("http")]


def test_gzip_bomb_is_recorded(hostile: Crawl) -> None:
    error = error_of(hostile, f"{ORIGIN}/losses/bomb.html")
    assert error.startswith("too_large:") and "compression bomb" in error


def test_redirect_loop_and_endless_chain_are_recorded(hostile: Crawl) -> None:
    loop = error_of(hostile, f"{ORIGIN}/losses/loop-a.html")
    assert loop.startswith("redirect_loop:") and loop.count("loop-a.html") == 2
    assert error_of(hostile, f"{ORIGIN}/losses/chain/1.html").startswith("too_many_redirects:")


@pytest.mark.parametrize(("path", "status", "error"), [
    ("/redirects/file.html", 302, "redirect_not_http: HTTP 302 to file:///etc/passwd"),
    ("/redirects/nowhere.html", 301, "redirect_without_location: HTTP 301 without a Location"),
    ("/redirects/choices.html", 300, "http_300: "),
])
def test_3xx_that_is_not_followed_is_recorded(
        hostile: Crawl, path: str, status: int, error: str) -> None:
    """Scrapy passes such an answer back and HttpErrorMiddleware ignores it: it left no row."""
    [row] = hostile.captures[ORIGIN + path]  # one row: not also counted as a refusal
    assert row["error"].startswith(error) and row["http_status"] == status
    assert row["final_url"] == ORIGIN + path and ORIGIN + path not in hostile.documents
    assert not hostile.asked(PUBLIC, "/etc/passwd")
    assert hostile.documents[f"{ORIGIN}/redirects/fine.html"][1] > 0  # a redirect followed
    assert [row["error"] for row in hostile.captures[f"{ORIGIN}/redirects/index.html"]] == [None]


def test_mislabelled_charset_is_overridden_and_noted(hostile: Crawl) -> None:
    url = f"{ORIGIN}/losses/mojibake.html"
    text, hits = hostile.documents[url]
    assert EVIDENCE[:20] in text and hits > 0
    [row] = hostile.captures[url]
    assert row["charset"] == "utf-8"
    assert row["charset_note"].startswith("override: the header's iso-8859-1 gave implausible")


def test_no_address_but_ours_was_asked(hostile: Crawl) -> None:
    """Every request reached our server; the internal addresses never did."""
    assert {host for host, _ in hostile.requests} <= {
        PUBLIC, "flaky.hostile.example", "127.0.0.1"}
    assert not [path for host, path in hostile.requests if host in INTERNAL
                and not path.startswith("/direct/")]  # only the allowed source's pages


def test_listing_that_stops_early_makes_the_run_incomplete(tmp_path: Path) -> None:
    """tests.hostile.faults makes the listing's parsing raise after its own capture."""
    run = crawl(tmp_path, ["hostile-explode"])
    assert run.result.returncode == 1 and "is incomplete" in run.result.stderr
    assert run.status == "incomplete"
    assert f"{ORIGIN}/explode/a1.html" not in run.documents  # lost with the rest of the page
    report = evidence("report", "--db", str(run.db), "--strict", env=run.env)
    assert report.returncode == 3, report.stderr
    assert "hostile-explode: 1 page(s) not parsed to their end" in report.stdout
    assert "not parsed to their end" in report.stderr
