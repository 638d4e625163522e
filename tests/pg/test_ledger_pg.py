"""tests/unit/test_ledger.py on PostgreSQL: bulk and ORM writes chained, hand edits named, and
writers committing at the same time serialised into one chain (advisory lock)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.unit.test_ledger import (  # noqa: F401  (collected here with the PG fixture)
    seeded,
    test_a_hand_edit_is_named,
    test_bulk_writes_are_chained_and_check_out,
    test_orm_writes_are_logged_only_when_committed,
    test_writers_at_the_same_time_make_one_chain,
)


@pytest.fixture()
def engine(pg_url: str) -> Iterator[Engine]:
    """tests/unit/test_ledger.py's fixture, on a fresh PostgreSQL database."""
    built = seeded(pg_url)
    yield built
    built.dispose()


def test_backend_is_postgresql(engine: Engine) -> None:
    assert engine.dialect.name == "postgresql"
