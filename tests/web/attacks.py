"""Requests a hostile page or user sends to a running desk, over real HTTP (httpx), and what the
database holds afterwards; shared by the SQLite tests (tests/web) and PostgreSQL (tests/pg)."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import func, select

from db.engine import open_database, session_scope
from db.models import DocumentReview, Review

# ids no row has: beyond SQLite's 64 bits, at 2**63, and beyond PostgreSQL's 32-bit integer
HUGE_IDS = ("99999999999999999999999", str(2**63), str(2**31), "4294967296")
ODD_IDS = ("²", "١٢", "1e3", "-1", "0x10", "")  # digits Python's int() reads, or no number


def form_token(page: str) -> str:
    """The form token in a desk page."""
    return re.findall(r'name="csrf" value="([^"]+)"', page)[0]


def decisions(db: str) -> int:
    """How many reviews and missed-evidence marks are stored."""
    engine = open_database(db, create=False)
    with session_scope(engine) as session:
        count = (session.scalar(select(func.count()).select_from(Review)) or 0) + \
            (session.scalar(select(func.count()).select_from(DocumentReview)) or 0)
    engine.dispose()
    return count


def id_answers(base: str, document_id: int) -> dict[str, int]:
    """Status of every route that takes an id, given huge and malformed ids (a real token)."""
    answers: dict[str, int] = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        token = form_token(client.get(f"/doc/{document_id}").text)
        for bad in HUGE_IDS + ODD_IDS:
            for path in (f"/doc/{bad}", f"/archive/{bad}", f"/copy/{bad}",
                         f"/doc/{document_id}?version={bad}"):
                answers[path] = _status(client.get(path))
            for route, field in (("/review", "hit_id"), ("/missed", "document_id")):
                form = {field: bad, "status": "confirmed" if route == "/review" else "missed",
                        "note": "x", "csrf": token}
                answers[f"POST {route} {field}={bad}"] = _status(client.post(route, data=form))
    return answers


def _status(response: httpx.Response) -> int:
    """The status, after checking no traceback or exception name reached the page."""
    assert "Traceback" not in response.text and "OverflowError" not in response.text
    assert "NumericValueOutOfRange" not in response.text and "DataError" not in response.text
    return response.status_code


def expected_id_answers(document_id: int) -> dict[str, int]:
    """What id_answers must see: 404 for a path, the document page for an unknown version,
    400 for a form."""
    expected: dict[str, int] = {}
    for bad in HUGE_IDS + ODD_IDS:
        expected |= {f"/doc/{bad}": 404, f"/archive/{bad}": 404, f"/copy/{bad}": 404,
                     f"/doc/{document_id}?version={bad}": 200,
                     f"POST /review hit_id={bad}": 400,
                     f"POST /missed document_id={bad}": 400}
    return expected
