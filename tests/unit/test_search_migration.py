"""Revision 0006: a search index written before English words were folded to one spelling is
emptied, and `evidence db upgrade` rebuilds it at once; then either spelling finds the same
documents (tests/pg/test_search_spelling_pg.py runs it on PostgreSQL). The revision runs on a
database of today's schema whose stamp is set back to 0005 for it, so that the revisions after
it do not have to be undone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, select, text

from db import migrations
from db.engine import open_database, resolve_db_url
from db.models import Version
from db.search import write_index
from evidence.cli import main
from tests.unit.test_search_spelling import (
    PAGES,
    check_either_spelling_finds_the_same,
    fill,
    found,
)


def printed_tokens(value: str | None) -> str:
    """Index tokens as the release before 0006 wrote English ones: words as printed."""
    return " ".join(re.findall(r"\w+", (value or "").lower()))


def run_revision(conn: Connection, before: str, revision: str) -> None:
    """Run the revisions after ``before`` up to ``revision`` on ``conn`` as `evidence db
    upgrade` runs them, then restore the database's stamp (later revisions are in place)."""
    stamp = migrations.stamped(conn)
    conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": before})
    command.upgrade(migrations.config(conn), revision)
    conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": stamp})


def check_upgrade_rebuilds_an_old_index(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    engine = fill(url)
    with engine.begin() as conn:  # as an index of the release before 0006 left it
        rows = conn.execute(select(Version.id, Version.title, Version.text)).all()
        write_index(conn, [(vid, printed_tokens(title), printed_tokens(body))
                           for vid, title, body in rows])
    with engine.begin() as conn:
        assert found(engine, "labor") == [PAGES["us"][0]]  # the old index misses "labour"
        run_revision(conn, "0005", "0006")
    engine.dispose()
    assert main(["db", "upgrade", "--db", url]) == 0
    assert f"search index: {len(rows)} version(s) indexed" in capsys.readouterr().out
    engine = open_database(url, create=False)
    check_either_spelling_finds_the_same(engine)
    engine.dispose()


def test_upgrade_rebuilds_an_index_of_words_as_printed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check_upgrade_rebuilds_an_old_index(resolve_db_url(str(tmp_path / "old.db")), capsys)
