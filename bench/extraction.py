"""`python bench/extraction.py DATASET_DIR`: main text, title, date, author and decoding of this
project's HTML extraction against trafilatura and readability-lxml, side by side, in one run.

    python bench/extraction.py tests/fixtures/extraction          # our own Chinese fixtures
    python bench/extraction.py /tmp/extraction/zh-cwced --pages   # ... and every page's F1
    python -m bench.extraction DIR --only evidence --json out.json

A dataset is a folder of pages, each two files (layout in bench/README.md): ``NAME.html``, the
raw bytes as served, and ``NAME.json`` with what a reader sees on the page — ``text`` (main
text), ``title``, ``date`` (YYYY-MM-DD), ``author`` — and optionally ``url``, ``content_type``
(the HTTP header, charset included) and ``language`` ("zh" or "en"; else guessed from the
expected text). A field that is absent or null is not scored; an empty string says the page
shows none (an editor but no author, say), right when the extractor finds none. Every extractor
gets the same raw bytes and decodes them itself. Not part of the test suite's timings.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: bench/extraction.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.extraction_score import f1, language, misdecoded, same_author, same_date, same_title

PLACEHOLDER_URL = "http://bench.invalid/page.html"  # a page without a known URL: no URL date
EXTRACTORS = ("evidence", "trafilatura", "readability")


@dataclass(frozen=True)
class Page:
    """One page of a dataset: its raw bytes and what is expected of it."""

    name: str
    body: bytes
    expected: dict[str, Any]

    @property
    def url(self) -> str:
        """The page's URL, or a placeholder that holds no date."""
        return str(self.expected.get("url") or PLACEHOLDER_URL)

    @property
    def language(self) -> str:
        """The page's language: declared, else guessed from the expected text."""
        return str(self.expected.get("language") or language(self.expected.get("text") or ""))


@dataclass
class Found:
    """What one extractor gave for one page."""

    text: str = ""
    title: str | None = None
    date: date | str | None = None
    author: str | None = None
    error: str | None = None


@dataclass
class Tally:
    """One extractor's scores over a dataset."""

    f1: dict[str, list[float]] = field(default_factory=lambda: {"zh": [], "en": []})
    title: list[bool] = field(default_factory=list)
    date: list[bool] = field(default_factory=list)
    author: list[bool] = field(default_factory=list)
    misdecoded: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_pages(folder: Path) -> list[Page]:
    """Every NAME.html with its NAME.json in a folder, by name."""
    pages = []
    for html in sorted(folder.glob("*.html")):
        meta = html.with_suffix(".json")
        if meta.is_file():
            pages.append(Page(html.stem, html.read_bytes(), json.loads(meta.read_text("utf-8"))))
    return pages


def run_evidence(page: Page) -> Found:
    """This project's extraction, as the crawl runs it."""
    from pipelines.text.extract import extract_document

    content_type = page.expected.get("content_type") or "text/html"
    doc = extract_document(page.body, content_type, page.url)
    return Found(doc.text, doc.title, doc.published_at, doc.author)


def run_trafilatura(page: Page) -> Found:
    """trafilatura with its default settings and metadata, on the raw bytes."""
    import trafilatura

    doc: Any = trafilatura.bare_extraction(page.body, url=page.url, with_metadata=True)
    if doc is None:
        return Found()
    return Found(doc.text or "", doc.title, doc.date, doc.author)


def run_readability(page: Page) -> Found:
    """readability-lxml on the raw bytes (it reads no date or author)."""
    from readability import Document

    from pipelines.text.extract import parse_html, visible_text

    doc = Document(page.body)
    return Found(visible_text(parse_html(doc.summary(html_partial=True))), doc.short_title())


RUNNERS: dict[str, Callable[[Page], Found]] = {
    "evidence": run_evidence, "trafilatura": run_trafilatura, "readability": run_readability,
}


def score(tally: Tally, page: Page, found: Found) -> None:
    """Add one page's scores to an extractor's tally."""
    want = page.expected
    row: dict[str, Any] = {"error": found.error}
    if want.get("text") is not None:
        row["f1"] = f1(want["text"], found.text, page.language)
        tally.f1.setdefault(page.language, []).append(row["f1"])
        if misdecoded(want["text"], found.text):
            tally.misdecoded.append(page.name)
    checks = (("title", same_title), ("date", same_date), ("author", same_author))
    for key, same in checks:
        if want.get(key) is not None:  # "" says the page shows none: right when none is found
            ok = same(want[key], getattr(found, key)) if want[key] else not getattr(found, key)
            getattr(tally, key).append(ok)
            row[key] = [ok, str(getattr(found, key))]
    if found.error:
        tally.errors.append(page.name)
    tally.pages[page.name] = row


def evaluate(pages: list[Page], names: tuple[str, ...] = EXTRACTORS) -> dict[str, Tally]:
    """Run every extractor on every page and score it."""
    tallies = {name: Tally() for name in names}
    for name in names:
        for page in pages:
            started = time.perf_counter()
            try:
                found = RUNNERS[name](page)
            except Exception as exc:  # one failing page is a zero, not a stop
                found = Found(error=f"{type(exc).__name__}: {exc}"[:200])
            tallies[name].seconds += time.perf_counter() - started
            score(tallies[name], page, found)
    return tallies


def _mean_median(values: list[float]) -> str:
    """'mean / median (n)' of F1 values, or a dash."""
    if not values:
        return "–"
    return f"{statistics.mean(values):.3f} / {statistics.median(values):.3f}"


def _share(values: list[bool]) -> str:
    """'correct/total' of a list of checks, or a dash."""
    return f"{sum(values)}/{len(values)}" if values else "–"


def table(tallies: dict[str, Tally]) -> str:
    """The side-by-side table (Markdown)."""
    head = ("| extractor | zh F1 mean / median | en F1 mean / median | title | date | author "
            "| mis-decoded | errors | seconds |\n|---|---|---|---|---|---|---|---|---|")
    rows = [
        f"| {name} | {_mean_median(t.f1['zh'])} | {_mean_median(t.f1['en'])} | "
        f"{_share(t.title)} | {_share(t.date)} | {_share(t.author)} | {len(t.misdecoded)} | "
        f"{len(t.errors)} | {t.seconds:.1f} |"
        for name, t in tallies.items()
    ]
    return "\n".join([head, *rows])


def _args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(prog="bench/extraction.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dataset", type=Path, help="folder of NAME.html + NAME.json pages")
    p.add_argument("--only", action="append", choices=EXTRACTORS, help="run only these")
    p.add_argument("--pages", action="store_true", help="print every page's F1 and misses")
    p.add_argument("--json", type=Path, help="write every page's scores here")
    return p.parse_args(argv)


def _page_lines(pages: list[Page], tallies: dict[str, Tally]) -> list[str]:
    """One line per page: each extractor's F1 and the checks it failed."""
    lines = []
    for page in pages:
        cells = []
        for name, tally in tallies.items():
            row = tally.pages[page.name]
            missed = [k for k in ("title", "date", "author") if k in row and not row[k][0]]
            flag = "!" if page.name in tally.misdecoded else ""
            misses = " -" + ",".join(missed) if missed else ""
            cells.append(f"{name}={row.get('f1', 0):.3f}{flag}{misses}")
        lines.append(f"{page.name[:40]:<40} {page.language} " + "  ".join(cells))
    return lines


def main(argv: list[str] | None = None) -> int:
    """Score a dataset folder and print the table."""
    args = _args(argv)
    pages = load_pages(args.dataset)
    if not pages:
        print(f"no NAME.html + NAME.json pages in {args.dataset}", file=sys.stderr)
        return 2
    names = tuple(args.only) if args.only else EXTRACTORS
    tallies = evaluate(pages, names)
    langs = [page.language for page in pages]
    print(f"{args.dataset}: {len(pages)} pages ({langs.count('zh')} zh, {langs.count('en')} en)")
    if args.pages:
        print("\n".join(_page_lines(pages, tallies)))
    print(table(tallies))
    for name, tally in tallies.items():
        if tally.misdecoded:
            print(f"{name} mis-decoded: {', '.join(tally.misdecoded)}")
    if args.json:
        args.json.write_text(json.dumps({n: t.pages for n, t in tallies.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
