"""Source upkeep commands: check-source (fixtures or live site) and new-source (skeleton)."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from evidence.services.errors import UserError

KIND_CHOICES = ["state_media", "government", "company"]
STRATEGY_CHOICES = ["listing", "paged_listing", "search_api", "filings", "web_archive"]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add check-source and new-source."""
    p = sub.add_parser("check-source", parents=[common],
                       help="replay a source's fixtures, or run it live and report dead rules")
    p.add_argument("slug", help="source slug (see `evidence sources`)")
    p.add_argument("--live", action="store_true",
                   help="fetch from the real site (small page limit; nothing is stored)")
    p.add_argument("--pages", type=int, default=10, help="live: stop after this many responses")
    p.add_argument("--update", action="store_true",
                   help="offline: write the current outcome to expected.json (review the diff)")
    p.add_argument("--fixtures", type=Path, metavar="DIR",
                   help="offline: the folder of per-source fixture folders (default: "
                        "$EVIDENCE_FIXTURES_DIR, else tests/fixtures/sources of the checkout, "
                        "else the copy installed with the package)")
    p.set_defaults(func=check_source)

    p = sub.add_parser("new-source", parents=[common],
                       help="start a source: skeleton YAML file and fixture folder")
    p.add_argument("slug", help="lower-case slug, e.g. hotan-hrss")
    p.add_argument("--kind", choices=KIND_CHOICES, required=True)
    p.add_argument("--strategy", choices=STRATEGY_CHOICES, default="listing")
    p.add_argument("--publisher", required=True, help="who publishes it, e.g. 和田地区人社局")
    p.add_argument("--url", required=True, help="start URL (listing page or API endpoint)")
    p.add_argument("--language", default="zh")
    p.set_defaults(func=new_source)


def _source(slug: str) -> Any:
    from crawler.sources import load_sources

    sources = load_sources()
    if slug not in sources:
        raise UserError(f"unknown source {slug!r} (see `evidence sources`)")
    return sources[slug]


def check_source(args: argparse.Namespace) -> int:
    """Replay fixtures against expected.json, or (--live) report rules the live site broke."""
    source = _source(args.slug)
    if args.live:
        return _live(source, args.pages)
    return _offline(source, args.update, args.fixtures)


def _offline(source: Any, update: bool, fixtures: Path | None = None) -> int:
    from evidence.services.source_check import check_fixtures, fixture_folder, is_installed_copy

    folder = fixture_folder(source.slug, fixtures)
    if update and is_installed_copy(folder):
        raise UserError(f"{folder} is the copy installed with the package: --update writes "
                        "into a clone of the repository (run it there, or pass --fixtures DIR)")
    summary, unused = check_fixtures(source, folder)
    text = json.dumps(summary, ensure_ascii=False, indent=1) + "\n"
    expected_file = folder / "expected.json"
    if update:
        expected_file.write_text(text, encoding="utf-8")
        print(f"wrote {expected_file}: review the diff before committing")
        return 0
    expected = (json.loads(expected_file.read_text(encoding="utf-8"))
                if expected_file.is_file() else None)
    for key in unused:
        print(f"unused fixture (no request asked for it): {key}")
    if summary == expected and not unused:
        print(f"{source.slug}: fixtures replay exactly as expected.json "
              f"({len(summary['items'])} captures, {len(summary['documents'])} documents)")
        return 0
    print(text, end="")
    print(f"{source.slug}: outcome differs from {expected_file} (run with --update to accept)")
    return 1


def _live(source: Any, pages: int) -> int:
    from evidence.services.live_check import (
        UNREACHABLE,
        crawl_sample,
        entry_url,
        probe,
        rule_results,
    )

    url = entry_url(source)
    reason = probe(url, source.politeness.proxy)
    if reason:
        print(f"{source.slug}: network unreachable: {reason}. `check-source --live` fetches "
              f"{url} and needs internet access; run it where the site can be reached.")
        return UNREACHABLE
    items, stats = crawl_sample(source.slug, pages)
    errors = Counter((i.error or "").split(":")[0] for i in items if i.error)
    kinds = Counter(i.kind for i in items if not i.error)
    print(f"{source.slug}: {len(items)} captures ({kinds['listing']} listing, "
          f"{kinds['article']} article) in a sample of {pages} responses; errors: "
          + (", ".join(f"{k} {v}" for k, v in errors.most_common()) or "none"))
    results = rule_results(source, items)
    for result in results:
        state = "NOTHING" if result.dead else ("ok" if result.matched else "unused")
        print(f"  {state:8} {result.rule} {result.value!r}: matched on "
              f"{result.matched}/{result.pages} pages")
    dead = [r for r in results if r.dead]
    if dead or not kinds["article"]:
        print(f"{source.slug}: {len(dead)} rule(s) matched nothing"
              + ("" if kinds["article"] else " and no article was captured")
              + " — the site may have changed; fix the source file and its fixtures.")
        return 1
    print(f"{source.slug}: every rule matched at least once.")
    return 0


def new_source(args: argparse.Namespace) -> int:
    """Write a skeleton source file and an empty fixture folder; never overwrite."""
    from evidence.services.new_source import Skeleton, write_skeleton

    path, folder = write_skeleton(Skeleton(args.slug, args.kind, args.strategy, args.publisher,
                                           args.url, args.language))
    print(f"wrote {path}\nwrote {folder}/responses.json (add saved responses, then run "
          f"`evidence check-source {args.slug} --update` and review expected.json)")
    return 0
