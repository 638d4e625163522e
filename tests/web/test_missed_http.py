"""The desk's missed-evidence form over plain HTTP: an unflagged document can be marked and the
mark withdrawn; every POST needs the form token and our own origin; a flagged document is
refused; a hit's slots are shown next to it."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from sqlalchemy import select

with warnings.catch_warnings():  # Starlette suggests httpx2; httpx is what we pin
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from db.engine import open_database, session_scope
from db.models import DocumentReview, Review
from tests.review_db import PAGES, ids, store_pages
from web.app import create_app

BASE = "http://127.0.0.1:8750"


@pytest.fixture()
def desk(tmp_path: Path) -> tuple[TestClient, str]:
    db = str(tmp_path / "e.db")
    store_pages(db, PAGES)
    return TestClient(create_app(db, "Analyst H"), base_url=BASE), db


def token(page: str) -> str:
    return re.findall(r'name="csrf" value="([^"]+)"', page)[0]


def marks(db: str) -> list[tuple[int, str, str | None, str, str]]:
    engine = open_database(db, create=False)
    with session_scope(engine) as session:
        rows = [(r.document_id, r.status, r.category, r.note, r.reviewer)
                for r in session.scalars(select(DocumentReview).order_by(DocumentReview.id))]
    engine.dispose()
    return rows


def test_unflagged_document_is_marked_then_withdrawn(desk: tuple[TestClient, str]) -> None:
    client, db = desk
    docs, _ = ids(db)
    doc = docs["gov-c"]
    page = client.get(f"/doc/{doc}")
    assert page.status_code == 200 and 'id="mark-missed"' in page.text
    assert "The detector did not flag this document" in page.text
    form = {"document_id": str(doc), "status": "missed", "note": "第一段：劳务输出",
            "category": "transfer", "next": f"/doc/{doc}", "csrf": token(page.text)}
    done = client.post("/missed", data=form, headers={"origin": BASE}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/doc/{doc}#missed"
    assert marks(db) == [(doc, "missed", "transfer", "第一段：劳务输出", "Analyst H")]
    page = client.get(f"/doc/{doc}")
    assert "Marked as missed evidence" in page.text and 'id="withdraw-missed"' in page.text
    withdraw = {"document_id": str(doc), "status": "not_missed", "csrf": token(page.text)}
    assert client.post("/missed", data=withdraw, follow_redirects=False).status_code == 303
    assert [m[1] for m in marks(db)] == ["missed", "not_missed"]
    page = client.get(f"/doc/{doc}")
    assert "Missed-evidence mark withdrawn by Analyst H" in page.text
    assert 'id="mark-missed"' in page.text  # it can be marked again


def test_posts_without_token_or_from_elsewhere_are_refused(desk: tuple[TestClient, str]) -> None:
    client, db = desk
    docs, hits = ids(db)
    good = token(client.get(f"/doc/{docs['gov-c']}").text)
    form = {"document_id": str(docs["gov-c"]), "status": "missed", "note": "x"}
    refused = [
        client.post("/missed", data=form),  # no token
        client.post("/missed", data=form | {"csrf": "forged"}),
        client.post("/missed", data=form | {"csrf": good}, headers={"origin": "http://evil"}),
        client.post("/review", data={"hit_id": str(next(iter(hits.values()))),
                                     "status": "confirmed"}),
    ]
    assert [r.status_code for r in refused] == [403] * 4
    assert "reload the page" in refused[0].text
    other = TestClient(create_app(db, "Analyst H"), base_url=BASE)  # another server process
    assert other.post("/missed", data=form | {"csrf": good}).status_code == 403
    assert marks(db) == []
    engine = open_database(db, create=False)
    with session_scope(engine) as session:
        assert session.scalars(select(Review)).all() == []
    engine.dispose()


def test_flagged_document_is_refused_and_shows_slots(desk: tuple[TestClient, str]) -> None:
    client, db = desk
    docs, hits = ids(db)
    page = client.get(f"/doc/{docs['gov-a']}")
    assert 'id="mark-missed"' not in page.text and 'id="missed"' not in page.text
    form = {"document_id": str(docs["gov-a"]), "status": "missed", "note": "x",
            "csrf": token(page.text)}
    refused = client.post("/missed", data=form)
    assert refused.status_code == 400 and "is flagged by the detector" in refused.text
    hit_id = hits["和田地区有组织转移农村富余劳动力1200人。"]
    slots = re.search(rf'id="slots-{hit_id}"[^>]*>(.*?)</p>', page.text)
    assert slots is not None
    shown = re.sub(r"<[^>]+>", " ", slots[1]).split()
    assert shown == ["who", "农村富余劳动力", "move", "有组织转移", "origin", "和田地区"]
    assert f'id="slots-{hits["务工人员实行集中管理。"]}"' not in page.text  # no slots: nothing
