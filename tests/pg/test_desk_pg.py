"""The analyst's desk (web UI) served over a PostgreSQL evidence base: search, facets, a
document, review and export, through real HTTP requests to the app."""

from __future__ import annotations

import csv
import io
import re
import warnings

with warnings.catch_warnings():  # Starlette suggests httpx2; httpx is what we pin
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from db.engine import data_dir_for, open_database, session_scope
from db.filters import Filter
from db.hits import find_hits
from db.rawstore import RawStore
from db.store import SourceInfo, ensure_source, store_batch
from tests.unit.test_search import PAGES, SOURCES, record
from web.app import create_app


def _base(url: str) -> None:
    engine = open_database(url)
    with session_scope(engine) as session:
        for slug, (publisher, kind) in SOURCES.items():
            ensure_source(session, SourceInfo(slug, publisher, kind, "zh", "listing"))
        store_batch(session, RawStore(data_dir_for(url)), [record(n) for n in PAGES], None)
    engine.dispose()


def test_desk_searches_reviews_and_exports_on_postgresql(pg_url: str) -> None:
    _base(pg_url)
    client = TestClient(create_app(pg_url, "Analyst P"), base_url="http://127.0.0.1:8750")

    found = client.get("/", params={"q": "勞動力轉移"})
    assert found.status_code == 200
    assert "关于南疆四地州劳动力转移就业的通知" in found.text
    assert "南疆勞動力轉移就業穩步推進" in found.text
    assert "劳动力市场观察" not in found.text
    government = client.get("/", params={"q": "勞動力轉移", "kind": "government"})
    assert "关于南疆四地州劳动力转移就业的通知" in government.text
    assert "南疆勞動力轉移就業穩步推進" not in government.text

    document = re.search(r'href="/doc/(\d+)[^"]*"', government.text)
    assert document, government.text[:2000]
    page = client.get(f"/doc/{document.group(1)}")
    assert page.status_code == 200 and "和田地区今年有组织转移农村富余劳动力1200人。" in page.text
    hit_id = int(re.findall(r'name="hit_id" value="(\d+)"', page.text)[0])
    token = re.findall(r'name="csrf" value="([^"]+)"', page.text)[0]

    reviewed = client.post("/review", data={"hit_id": str(hit_id), "status": "confirmed",
                                            "note": "PG", "next": "/", "csrf": token},
                           headers={"origin": "http://127.0.0.1:8750"}, follow_redirects=False)
    assert reviewed.status_code == 303
    engine = open_database(pg_url, create=False)
    with session_scope(engine) as session:
        [hit] = [h for h in find_hits(session, Filter()) if h.id == hit_id]
    engine.dispose()
    assert (hit.review_status, hit.reviewer) == ("confirmed", "Analyst P")

    exported = client.get("/export.csv", params={"q": "勞動力轉移", "kind": "government"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows and {row["publisher"] for row in rows} == {"示范人社局（虚构）"}
    assert "confirmed" in {row.get("review_status") for row in rows}
