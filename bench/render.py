"""`python -m bench.render`: time and memory of `evidence render` on the demo's pages with hits.

    python -m bench.render                    # crawl the demo (--no-render) into a temporary
                                              # folder, then render its pages with hits
    python -m bench.render --db evidence.db   # a copy of an existing database (left untouched)
    python -m bench.render --workers 1

Renders every version with hits from its stored bytes (one headless Chromium per page, at most
``--workers`` at a time) and prints the wall time, pages per minute, the median and slowest page
and the peak memory (RSS and PSS) of this process and its browsers. Not part of the test
suite: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.memory import PeakMemory


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, help="render a copy of this database (default: the demo)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--timeout", type=float, default=30.0)
    return p.parse_args(argv)


def _prepare(db: Path | None, folder: Path) -> Path:
    """A database to render into: a copy of ``db`` with its data folder, or the demo crawled
    without screenshots (`demo --no-render`: the demo renders by default, which would leave
    nothing pending to measure)."""
    target = folder / "evidence.db"
    if db is None:
        subprocess.run([sys.executable, "-m", "evidence.cli", "demo", "--db", str(target),
                        "--no-render"], check=True, capture_output=True)
        return target
    shutil.copy2(db, target)
    shutil.copytree(db.with_name(db.stem + "-data"), folder / "evidence-data")
    return target


def main(argv: list[str] | None = None) -> int:
    """Render, measure, print."""
    from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
    from db.screenshots import jobs
    from evidence.services.render import render_jobs

    args = _args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        db = _prepare(args.db, Path(tmp))
        engine = open_database(str(db), create=False)
        with session_scope(engine) as session:
            todo = jobs(session)
        durations: list[int] = []
        with PeakMemory() as memory:
            summary = render_jobs(engine, data_dir_for(resolve_db_url(str(db))), todo,
                                  workers=args.workers, timeout=args.timeout,
                                  progress=lambda o: durations.append(o.duration_ms))
        engine.dispose()
    pages = len(todo)
    print(f"pages with hits        {pages} ({summary.rendered} rendered, "
          f"{len(summary.failed)} failed)")
    print(f"workers                {args.workers}")
    print(f"wall time              {summary.seconds:.1f} s "
          f"({60 * pages / max(summary.seconds, 1e-9):.1f} pages/min)")
    if durations:
        print(f"per page               median {statistics.median(durations) / 1000:.1f} s, "
              f"slowest {max(durations) / 1000:.1f} s")
    print(f"peak memory (tree)     RSS {memory.peak_mb:.0f} MB, PSS {memory.peak_pss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
