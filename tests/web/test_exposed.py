"""The desk exposed to a hostile web page or network, over real HTTP to a running desk:
DNS rebinding (a forged Host) is refused before anything is read or written; every POST needs
the form token; huge and malformed ids answer 404/400, never a 500; a desk with logins records
the signed-in name as the reviewer; `evidence serve` refuses a non-loopback address without
credentials; the desk's CSV export quotes formula-like cells."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from db.engine import open_database, session_scope
from db.filters import Filter
from db.hits import find_hits
from tests.cli import ROOT, evidence
from tests.hostile_text import FORMULA_SENTENCE, TITLE, store_hostile_text
from tests.ports import free_port
from tests.review_db import PAGES, ids, store_pages
from tests.web.attacks import decisions, expected_id_answers, form_token, id_answers
from tests.web.conftest import serve
from web.auth import Login, hash_password

ATTACKER = "rebind.attacker.example"


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "e.db")
    store_pages(path, PAGES)
    return path


def reviewers(db: str) -> list[str | None]:
    engine = open_database(db, create=False)
    with session_scope(engine) as session:
        found = [h.reviewer for h in find_hits(session, Filter()) if h.review_status]
    engine.dispose()
    return found


def test_a_forged_host_is_refused_before_anything_is_read_or_written(db: str) -> None:
    docs, hits = ids(db)
    with serve(db, "Analyst X") as desk:
        port = desk.url.rsplit(":", 1)[1]
        page = httpx.get(f"{desk.url}/doc/{docs['gov-a']}")
        assert page.status_code == 200
        token = form_token(page.text)
        rebound = {"host": f"{ATTACKER}:{port}"}
        for path in ("/", f"/doc/{docs['gov-a']}", "/export.csv?q=转移", "/export.jsonl",
                     "/static/desk.js"):
            refused = httpx.get(desk.url + path, headers=rebound)
            assert refused.status_code == 400, path
            assert "劳动力" not in refused.text and "csrf" not in refused.text
        posted = httpx.post(f"{desk.url}/review", headers={
            **rebound, "origin": f"http://{ATTACKER}:{port}"},
            data={"hit_id": str(next(iter(hits.values()))), "status": "rejected",
                  "csrf": token})
        assert posted.status_code == 400 and decisions(db) == 0
        for name in ("127.0.0.1", "localhost", "LOCALHOST"):
            assert httpx.get(f"{desk.url}/", headers={"host": f"{name}:{port}"}) \
                .status_code == 200


def test_names_given_are_served_and_no_others(db: str) -> None:
    with serve(db, hosts=["127.0.0.1", "desk.team.example"]) as desk:
        assert httpx.get(f"{desk.url}/", headers={"host": "desk.team.example"}).status_code == 200
        assert httpx.get(f"{desk.url}/", headers={"host": "localhost"}).status_code == 400
        assert httpx.get(f"{desk.url}/", headers={"host": "team.example"}).status_code == 400


def test_every_post_route_needs_the_form_token(db: str) -> None:
    docs, hits = ids(db)
    with serve(db, "Analyst X") as desk:
        app = desk.server.config.app
        assert isinstance(app, Starlette)
        posts = [r.path for r in app.routes if isinstance(r, Route) and "POST" in (r.methods or ())]
        assert posts, "no POST routes found"
        form = {"hit_id": str(next(iter(hits.values()))), "document_id": str(docs["gov-c"]),
                "status": "confirmed", "note": "forged"}
        for path in posts:
            for extra in ({}, {"csrf": "forged"}, {"csrf": ""}):
                refused = httpx.post(desk.url + path, data=form | extra)
                assert refused.status_code == 403, (path, extra)
        assert decisions(db) == 0


def test_huge_and_malformed_ids_are_404_or_400(db: str) -> None:
    docs, _ = ids(db)
    with serve(db, "Analyst X") as desk:
        assert id_answers(desk.url, docs["gov-a"]) == expected_id_answers(docs["gov-a"])
    assert decisions(db) == 0


def test_page_numbers_in_other_scripts_are_ignored(db: str) -> None:
    with serve(db) as desk:
        for page in ("²", "١", "99999999999999999999999"):
            assert httpx.get(f"{desk.url}/", params={"q": "转移", "page": page}) \
                .status_code == 200


def signed_in(url: str, name: str, password: str) -> httpx.Client:
    return httpx.Client(base_url=url, auth=(name, password), timeout=30)


def test_with_logins_every_request_signs_in_and_the_reviewer_is_who_signed_in(db: str) -> None:
    docs, hits = ids(db)
    hit = hits[PAGES[0].sentences[0]]
    login = Login(users={"ana": hash_password("correct horse"), "bo": hash_password("b0-pass")})
    with serve(db, "os-user", login=login) as desk:
        for path in ("/", f"/doc/{docs['gov-a']}", "/export.csv", "/static/desk.css"):
            refused = httpx.get(desk.url + path)
            assert refused.status_code == 401 and "Basic" in refused.headers["www-authenticate"]
        assert httpx.get(desk.url, auth=("ana", "wrong")).status_code == 401
        assert httpx.get(desk.url, auth=("mallory", "correct horse")).status_code == 401
        with signed_in(desk.url, "ana", "correct horse") as ana, \
                signed_in(desk.url, "bo", "b0-pass") as bo:
            page = ana.get(f"/doc/{docs['gov-a']}")
            assert page.status_code == 200 and "Signed in as" in page.text
            form = {"hit_id": str(hit), "status": "confirmed", "reviewer": "Someone Else",
                    "csrf": form_token(page.text), "next": "/"}
            assert bo.post("/review", data=form).status_code == 403  # ana's token, bo's login
            ana.cookies.set("reviewer", "Cookie Name")
            done = ana.post("/review", data=form, follow_redirects=False)
            assert done.status_code == 303
    assert reviewers(db) == ["ana"]


def test_a_team_token_lets_in_any_name_it_is_given_with(db: str) -> None:
    docs, hits = ids(db)
    hit = hits[PAGES[0].sentences[0]]
    with serve(db, "os-user", login=Login(token="t" * 32)) as desk:
        assert httpx.get(desk.url, auth=("lin", "t" * 31)).status_code == 401
        assert httpx.get(desk.url, auth=("", "t" * 32)).status_code == 401
        with signed_in(desk.url, "lin", "t" * 32) as lin:
            token = form_token(lin.get(f"/doc/{docs['gov-a']}").text)
            assert lin.post("/review", data={"hit_id": str(hit), "status": "rejected",
                                             "csrf": token}).status_code == 303
    assert reviewers(db) == ["lin"]


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without desk credentials or a configuration file, plus ``extra``."""
    unset = ("EVIDENCE_DESK_USERS", "EVIDENCE_DESK_TOKEN", "EVIDENCE_ALLOWED_HOSTS",
             "EVIDENCE_CONFIG")
    return {k: v for k, v in os.environ.items() if k not in unset} | extra


def test_serve_refuses_a_non_loopback_address_without_credentials(db: str) -> None:
    env = clean_env()
    for host in ("0.0.0.0", "::", "192.0.2.10", "desk.team.example"):
        refused = evidence("serve", "--host", host, "--db", db, env=env, inherit=False)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.count("\n") == 1 and refused.stderr.startswith(
            f"evidence: error: --host {host} can be reached from other machines"), refused.stderr
    short = evidence("serve", "--host", "0.0.0.0", "--db", db,
                     env=clean_env(EVIDENCE_DESK_TOKEN="short"), inherit=False)
    assert short.returncode == 2 and "too short" in short.stderr
    bad = evidence("serve", "--allowed-host", "desk.example:8750", "--db", db, env=env,
                   inherit=False)
    assert bad.returncode == 2 and "without scheme or port" in bad.stderr


def _wait_for(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("evidence serve did not start")


def test_serve_on_all_addresses_with_a_users_file(db: str, tmp_path: Path) -> None:
    env = clean_env()
    users = tmp_path / "desk-users"
    added = evidence("serve", "--add-user", "ana", "--users", str(users), stdin="s3cret pw\n",
                     env=env, inherit=False)
    assert added.returncode == 0, added.stderr
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    assert "s3cret" not in users.read_text(encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "evidence.cli", "serve", "--host", "0.0.0.0", "--port",
         str(port), "--db", db, "--allowed-host", "desk.team.example"],
        cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=clean_env(EVIDENCE_DESK_USERS=str(users)))
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_for(url, server)
        assert httpx.get(url).status_code == 401
        assert httpx.get(url, auth=("ana", "s3cret pw")).status_code == 200
        assert httpx.get(url, auth=("ana", "s3cret pw"),
                         headers={"host": "desk.team.example"}).status_code == 200
        assert httpx.get(url, auth=("ana", "s3cret pw"),
                         headers={"host": ATTACKER}).status_code == 400
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert "answers to localhost, 127.0.0.1, desk.team.example; sign-in required" in out
    assert "plain HTTP" in err


def test_the_desk_export_quotes_formulas_and_jsonl_stays_raw(tmp_path: Path) -> None:
    db = str(tmp_path / "hostile.db")
    store_hostile_text(db)
    with serve(db) as desk:
        exported = httpx.get(f"{desk.url}/export.csv", params={"q": "转移"})
        raw = httpx.get(f"{desk.url}/export.jsonl", params={"q": "转移"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows and {r["title"] for r in rows} == {f"'{TITLE}"}
    assert f"'{FORMULA_SENTENCE}" in {r["sentence"] for r in rows}
    lines = [json.loads(line) for line in raw.text.splitlines()]
    assert {h["title"] for h in lines} == {TITLE}
    assert FORMULA_SENTENCE in {h["sentence"] for h in lines}
