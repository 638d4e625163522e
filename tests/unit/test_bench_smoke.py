"""Smoke test of the benchmark machinery on a few documents (no timing is asserted)."""

from pathlib import Path

import pytest

from bench.reprocess import differences, populate, run
from bench.synthetic import document, generate
from db.bulk import count_versions, iter_texts
from db.engine import open_database


def test_generator_is_deterministic_streamed_and_labelled() -> None:
    first = list(generate(200, seed=3))
    assert [d.text for d in first] == [d.text for d in generate(200, seed=3)]
    assert 10 <= sum(d.positive for d in first) <= 35  # about 10 %
    assert all(1400 <= len(d.text) <= 2200 for d in first)
    assert not any(d.positive and d.trap for d in first)
    assert document(7, seed=3).text == document(7, seed=3).text != document(8, seed=3).text


def test_reprocess_fast_and_baseline_agree_and_store(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    positives = populate(db, 60, seed=2)
    engine = open_database(str(db), create=False)
    assert count_versions(engine) == 60
    batches = list(iter_texts(engine, batch=25))
    engine.dispose()
    assert [len(b) for b in batches] == [25, 25, 10]
    ids = [s.version_id for b in batches for s in b]
    assert ids == sorted(ids)
    fast = run(db, "fast", 1, 60, keep=60)
    base = run(db, "baseline", 1, 60, keep=60)
    assert fast.docs == base.docs == 60 and differences(fast, base) == []
    assert fast.flagged == base.flagged >= positives > 0
    assert fast.hits == base.hits > 0
    two = run(db, "fast", 2, 60, keep=60)
    assert two.docs == 60 and differences(two, fast) == []


def test_search_bench_indexes_in_workers_and_times_every_query(tmp_path: Path) -> None:
    from bench.search import QUERIES, measure

    db = tmp_path / "s.db"
    populate(db, 40, seed=4)
    latency = measure(db, 30, repeats=1, workers=2, cap=5)
    assert (latency.indexed, latency.versions) == (30, 30)
    again = measure(db, 30, repeats=1, workers=1)  # only what the index lacks
    assert (again.indexed, again.versions) == (10, 40)
    assert set(again.per_query) == set(QUERIES) and again.p95_ms >= again.p50_ms > 0
    assert latency.capped["和田"] and latency.totals["和田"] == 5


def test_render_bench_crawls_the_demo_without_screenshots(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo renders by default; the bench's demo must leave its pages pending to render."""
    import bench.render

    ran: list[list[str]] = []
    monkeypatch.setattr(bench.render.subprocess, "run",
                        lambda command, **_: ran.append(command))
    assert bench.render._prepare(None, tmp_path) == tmp_path / "evidence.db"
    [command] = ran
    assert command[1:4] == ["-m", "evidence.cli", "demo"] and "--no-render" in command


def test_render_bench_measures_the_pending_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import bench.render
    from evidence.services import chromium
    from tests.unit.test_render_manifests import fake_render
    from tests.wacz_store import build

    monkeypatch.setattr(chromium, "render", fake_render)
    (tmp_path / "in").mkdir()
    assert bench.render.main(["--db", str(build(tmp_path / "in"))]) == 0
    assert "pages with hits        2 (2 rendered, 0 failed)" in capsys.readouterr().out
