"""The nightly plan: the crawl renders its pages with hits (``crawl --render``, before the run's
manifest is sealed) unless told not to; tests/e2e/test_nightly.py runs `evidence schedule`."""

from __future__ import annotations

from pathlib import Path

from evidence.services.schedule import crontab_line, make_plan, systemd_units


def test_the_nightly_crawl_renders_by_default(tmp_path: Path) -> None:
    plan = make_plan("sqlite:///e.db", tmp_path, [], "02:30")
    assert plan.crawl[-5:] == ["--all", "--db", "sqlite:///e.db", "--no-progress", "--render"]
    assert "--no-progress --render >> " in crontab_line(plan)
    assert "--no-progress --render >> " in systemd_units(plan)["evidence-crawl.service"]


def test_no_render_opts_out(tmp_path: Path) -> None:
    plan = make_plan("sqlite:///e.db", tmp_path, ["demo-gov"], "02:30", render=False)
    assert plan.crawl[-4:] == ["demo-gov", "--db", "sqlite:///e.db", "--no-progress"]
    assert "--render" not in crontab_line(plan)
