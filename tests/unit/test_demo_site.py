"""The demo site serves what the manifest promises, bad routes included (loopback only)."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import demo
from demo.server import DEMO_ORIGIN, DemoServer

DEMO = Path(demo.__file__).parent
MANIFEST: list[dict[str, Any]] = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
BY_PATH = {e["path"]: e for e in MANIFEST}
ERROR_ROUTES_WITHOUT_FILE = {"http_404", "too_large"}
MISLABELLED = "/gov/tzgg/202304/t20230412_88001.html"
NO_META = "/gov/tzgg/202303/t20230301_87990.html"
SLOW = "/xinwen/202306/t20230630_100888.html"


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as srv:
        yield srv


def fetch(url: str, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    """GET a URL; return (status, headers, body), HTTP errors included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_binds_loopback_only(server: DemoServer) -> None:
    host, port = server.address
    assert host == "127.0.0.1" and port > 0
    assert server.url == f"http://127.0.0.1:{port}"
    with pytest.raises(ValueError):
        DemoServer(host="0.0.0.0")


def via_proxy(server: DemoServer, url: str) -> tuple[int, bytes]:
    """GET an absolute URL with the demo server as the HTTP proxy (how the crawler asks)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": server.url}))
    try:
        with opener.open(url, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_fixed_demo_host_is_served_as_a_proxy(server: DemoServer) -> None:
    status, body = via_proxy(server, DEMO_ORIGIN + "/xinwen/index.html")
    assert status == 200 and body == fetch(server.url + "/xinwen/index.html")[2]
    assert via_proxy(server, DEMO_ORIGIN + "/no/such.html")[0] == 404
    assert server.requests[("GET", "/xinwen/index.html")] >= 2  # counted by path either way


def test_no_other_host_is_proxied(server: DemoServer) -> None:
    for url in ("http://example.org/xinwen/index.html", "http://127.0.0.1:9/xinwen/index.html",
                DEMO_ORIGIN + ":8080/xinwen/index.html"):
        status, body = via_proxy(server, url)
        assert status == 403 and b"demo.evidence.test" in body, url


def test_listing_links_and_next_page(server: DemoServer) -> None:
    status, headers, body = fetch(server.url + "/xinwen/index.html")
    assert status == 200 and "charset=utf-8" in headers["Content-Type"]
    text = body.decode("utf-8")
    assert '<ul class="news-list">' in text and 'class="next" href="index_1.html"' in text
    assert "演示网站，内容虚构" in text
    assert fetch(server.url + "/xinwen/index_2.html")[0] == 200


def test_gbk_page_is_mislabelled_as_utf8(server: DemoServer) -> None:
    status, headers, body = fetch(server.url + MISLABELLED)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"  # the header lies ...
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gb18030")  # ... the bytes are GBK, as the <meta> says
    assert "charset=gbk" in text and "示人社发〔2023〕12号" in text and "富余劳动力" in text


def test_gbk_page_without_meta(server: DemoServer) -> None:
    _, headers, body = fetch(server.url + NO_META)
    assert "utf-8" in headers["Content-Type"]
    text = body.decode("gb18030")
    assert "charset" not in text.lower() and "转移就业扶持一批" in text


def test_missing_page_is_404(server: DemoServer) -> None:
    assert fetch(server.url + "/xinwen/202304/t20230420_100404.html")[0] == 404
    assert fetch(server.url + "/_headers.json")[0] == 404  # the header table is not served
    assert fetch(server.url + "/../../etc/passwd")[0] == 404


def test_robots_disallows_private(server: DemoServer) -> None:
    _, _, body = fetch(server.url + "/robots.txt")
    assert "Disallow: /private/" in body.decode()
    listing = fetch(server.url + "/gov/tzgg/index_1.html")[2].decode("gb18030")
    assert "../../private/x.html" in listing


def test_pdfs(server: DemoServer) -> None:
    for path in (
        "/company/reports/files/tianhe-2022-csr.pdf",
        "/company/reports/files/tianhe-2022-annual.pdf",
    ):
        status, headers, body = fetch(server.url + path)
        assert status == 200 and headers["Content-Type"] == "application/pdf"
        assert body.startswith(b"%PDF") and b"%%EOF" in body[-64:]
    _, headers, body = fetch(server.url + "/company/reports/files/tianhe-2021-esg.pdf")
    assert headers["Content-Type"] == "application/pdf" and b"%%EOF" not in body


def test_oversized_route_announces_3_mib(server: DemoServer) -> None:
    req = urllib.request.Request(server.url + "/company/news/2023/n20230901_01.html", method="HEAD")
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert int(resp.headers["Content-Length"]) > 1048576 * 2


def test_slow_route_does_not_answer_within_1s(server: DemoServer) -> None:
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        fetch(server.url + SLOW, timeout=1)


def test_manifest_paths_exist() -> None:
    for e in MANIFEST:
        if e["error"] in ERROR_ROUTES_WITHOUT_FILE:
            assert not (DEMO / "site" / e["path"].lstrip("/")).exists(), e["path"]
        else:
            assert (DEMO / "site" / e["path"].lstrip("/")).is_file(), e["path"]


def test_manifest_counts() -> None:
    articles = [e for e in MANIFEST if e["kind"] == "article"]
    assert len(articles) >= 30
    assert sum(not e["flagged"] for e in articles) >= 8
    scripts = Counter(e["script"] for e in articles)
    assert scripts["hant"] >= 2 and scripts["latin"] >= 1
    assert {e["error"] for e in MANIFEST if e["kind"] == "error"} >= {
        "http_404",
        "timeout",
        "too_large",
        "broken_pdf",
        "no_text",
    }
    assert [e["path"] for e in MANIFEST if e["kind"] == "blocked"] == ["/private/x.html"]
    for e in MANIFEST:
        assert (e["expected_hits"] > 0) == e["flagged"], e["path"]
        assert e["source"] in {"demo-xinwen", "demo-gov", "demo-company"}


def test_every_page_says_it_is_invented() -> None:
    for f in (DEMO / "site").rglob("*.html"):
        raw = f.read_bytes()
        text = raw.decode("gb18030") if "/gov/" in str(f) or "/private/" in str(f) else raw.decode()
        assert "内容虚构" in text, f


def test_every_manifest_page_is_linked_from_a_listing() -> None:
    site = DEMO / "site"
    listings = ""
    for e in MANIFEST:
        if e["kind"] == "listing":
            raw = (site / e["path"].lstrip("/")).read_bytes()
            listings += raw.decode("gb18030" if e["source"] == "demo-gov" else "utf-8")
    for e in MANIFEST:
        if e["kind"] != "listing":
            name = e["path"].rsplit("/", 1)[1]
            linked = listings
            if "attached_to" in e:  # an attachment is linked from the notice it belongs to
                linked = (site / e["attached_to"].lstrip("/")).read_bytes().decode("gb18030")
            assert name in linked, e["path"]


def test_the_site_a_day_later() -> None:
    later = [e for e in MANIFEST if "later" in e]
    assert sorted(e["later"]["change"] for e in later) == ["edited", "removed"]
    edited = next(e for e in later if e["later"]["change"] == "edited")
    removed = next(e for e in later if e["later"]["change"] == "removed")
    old, new = edited["later"]["replaced"]
    with DemoServer() as first, DemoServer(later=True) as then:
        before, after = fetch(first.url + edited["path"])[2], fetch(then.url + edited["path"])[2]
        assert old in before.decode() and new in after.decode() and new not in before.decode()
        assert fetch(first.url + removed["path"])[0] == 200
        assert fetch(then.url + removed["path"])[0] == 404
        name = removed["path"].rsplit("/", 1)[1]
        listings = [first.url + "/xinwen/index.html", first.url + "/xinwen/index_1.html",
                    first.url + "/xinwen/index_2.html"]
        assert any(name.encode() in fetch(url)[2] for url in listings)
        assert not any(name.encode() in fetch(url.replace(first.url, then.url))[2]
                       for url in listings)
        assert "内容虚构" in after.decode()
        first.later = True  # switched while it runs, as `evidence demo` does
        assert fetch(first.url + removed["path"])[0] == 404


def test_attachment_and_repost() -> None:
    import docx

    [attachment] = [e for e in MANIFEST if "attached_to" in e]
    word = docx.Document(str(DEMO / "site" / attachment["path"].lstrip("/")))
    assert any("内容虚构" in p.text for p in word.paragraphs)
    assert attachment["flagged"] and attachment["content_type"].endswith("document")
    [repost] = [e for e in MANIFEST if "repost_of" in e]
    original = BY_PATH[repost["repost_of"]]
    assert repost["source"] != original["source"]
    assert repost["evidence_sentences"] == original["evidence_sentences"]
