"""The morning report of a crawl run, as Markdown and as a standalone HTML page.

Besides the run's new hits, changes, removals and source health it carries the deployment's
review figures (precision and recall from every analyst decision to date,
evidence/services/measures.py).
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from db.duplicates import HostDuplicate, duplicate_hosts
from db.manifests import manifest_for_run
from db.measure import ReviewMeasures, review_measures
from db.runs import (
    RunRow,
    SourceOutcome,
    changed_documents,
    new_hit_rows,
    removed_documents,
    source_outcomes,
)
from evidence.services.errors import UserError
from evidence.services.measures import headline, ratio, summary_line, versions_line
from evidence.services.run_notes import duplicate_warning
from evidence.services.slots import format_slots
from evidence.services.timestamp import describe


@dataclass
class ReportHit:
    """A new hit as the report lists it."""

    id: int
    score: float
    source: str
    title: str
    url: str
    sentence: str
    categories: list[str]
    companies: list[str]
    slots: dict[str, list[str]] = field(default_factory=dict)  # the event slots that fired

    @property
    def slot_note(self) -> str:
        """' — slots: who=…; move=…', or '' when none fired."""
        shown = format_slots(self.slots)
        return f" — slots: {shown}" if shown else ""


@dataclass
class Report:
    """Everything the morning report says about one run."""

    run: RunRow
    outcomes: list[SourceOutcome]
    hits: list[ReportHit]
    changed: list[tuple[str, str]] = field(default_factory=list)  # (url, title)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    measures: ReviewMeasures = field(default_factory=ReviewMeasures)  # all reviews to date
    duplicates: list[HostDuplicate] = field(default_factory=list)  # same bodies, second host
    timestamp: str = "not timestamped"  # the run manifest's RFC 3161 timestamp, or why none

    @property
    def below_minimum(self) -> list[SourceOutcome]:
        """Sources that produced fewer items than declared: probably a broken spider."""
        return [o for o in self.outcomes if o.below_minimum]

    @property
    def incomplete(self) -> str:
        """Why the run did not finish ('' when it did or still runs)."""
        return incomplete_warning(self.run)


def incomplete_warning(run: RunRow) -> str:
    """'WARNING: run N is incomplete: …' for a run that did not finish, naming the sources whose
    pages were not parsed to their end; '' for a finished (or still running) run."""
    if run.status in ("finished", "running"):
        return ""
    failed = {key.split("/", 1)[1]: int(n) for key, n in run.stats.items()
              if key.startswith("parse_failed/")}
    why = "; ".join(f"{slug}: {n} page(s) not parsed to their end (an error in the spider), "
                    "so the links after it were not followed" for slug, n in failed.items())
    return f"WARNING: run {run.id} is {run.status}{': ' + why if why else ''} — see the run log."


def build_report(session: Session, run: RunRow) -> Report:
    """Collect a run's new hits, changes, removals, errors and source health."""
    hits = [
        ReportHit(hit.id, hit.score, source.slug, version.title or "(untitled)", doc.url,
                  hit.sentence, json.loads(hit.categories), json.loads(hit.companies),
                  json.loads(hit.slots or "{}"))
        for hit, version, doc, source in new_hit_rows(session, run.id)
    ]
    changed = [(doc.url, version.title or "") for doc, version in
               changed_documents(session, run.id)]
    removed = [(doc.url, capture.gone or capture.error or "") for doc, capture in
               removed_documents(session, run.id)]
    return Report(run, source_outcomes(session, run), hits, changed, removed,
                  review_measures(session), duplicate_hosts(session, run.id),
                  describe(manifest_for_run(session, run.id)))


def _grouped(hits: list[ReportHit], key: str) -> dict[str, list[ReportHit]]:
    groups: dict[str, list[ReportHit]] = defaultdict(list)
    for hit in hits:
        values = {"company": hit.companies, "category": hit.categories,
                  "source": [hit.source]}[key] or ["(none)"]
        for value in values:
            groups[value].append(hit)
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def _health_lines(report: Report) -> list[str]:
    lines = [f"**{report.incomplete}**"] if report.incomplete else []
    for outcome in report.below_minimum:
        lines.append(f"**WARNING: {outcome.slug} produced {outcome.items} items "
                     f"(+{outcome.skipped_known} already stored), below its declared minimum "
                     f"of {outcome.min_items} — check its selectors: the site may have changed.**")
    lines += [f"**{duplicate_warning(found)}**" for found in report.duplicates]
    return lines


def _review_lines(m: ReviewMeasures) -> list[str]:
    """The review figures: versions, headline, labels, then one line per source."""
    lines = [f"Detector and lexicon: {versions_line(m)}."]
    if m.empty:
        return [*lines, "No review decisions recorded yet."]
    lines += [f"Figures: {headline(m)}.", f"Labels: {summary_line(m)}."]
    lines += [f"{name}: hit precision {ratio(t.hit_precision)}, document precision "
              f"{ratio(t.doc_precision)}, recall {ratio(t.recall)}"
              for name, t in m.by_source.items()]
    return lines


def to_markdown(report: Report) -> str:
    """Render the report as Markdown."""
    run = report.run
    out = [f"# Crawl report — run {run.id}", "",
           f"Started {run.started_at:%Y-%m-%d %H:%M} UTC, status **{run.status}**, sources: "
           f"{', '.join(run.sources)}.", ""]
    out += _health_lines(report) + [f"Timestamp: {report.timestamp}.", ""]
    out += [f"## New hits ({len(report.hits)})", ""]
    for key in ("company", "category", "source"):
        out += [f"### By {key}", ""]
        for name, hits in _grouped(report.hits, key).items():
            out.append(f"- **{name}** ({len(hits)})")
            out += [f"  - [{h.id}] {h.score:.1f} — {h.sentence} ({h.title}, {h.url})"
                    f"{h.slot_note}" for h in hits[:10]]
        out.append("")
    out += ["## Pages with hits that changed", ""]
    out += [f"- {title} — {url}" for url, title in report.changed] or ["- none"]
    out += ["", "## Pages with hits that were removed", ""]
    out += [f"- {url} — {reason}" for url, reason in report.removed] or ["- none"]
    out += ["", "## Review figures (every decision to date)", ""]
    out += [f"- {line}" for line in _review_lines(report.measures)]
    out += ["", "## Sources", "", "| source | items | already stored | minimum | errors |",
            "|---|---|---|---|---|"]
    for o in report.outcomes:
        errors = ", ".join(f"{k} {v}" for k, v in o.errors.most_common()) or "none"
        flag = " ⚠" if o.below_minimum else ""
        out.append(f"| {o.slug}{flag} | {o.items} | {o.skipped_known} | {o.min_items} | "
                   f"{errors} |")
    return "\n".join(out) + "\n"


def _li(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else "<p>none</p>"


def _hit_item(h: ReportHit) -> str:
    link = f'<a href="{html.escape(h.url)}">{html.escape(h.title)}</a>'
    return f"[{h.id}] {h.score:.1f} — {html.escape(h.sentence)} ({link}){html.escape(h.slot_note)}"


def _hits_html(report: Report) -> str:
    parts = []
    for key in ("company", "category", "source"):
        parts.append(f"<h3>By {key}</h3>")
        items = []
        for name, hits in _grouped(report.hits, key).items():
            inner = _li([_hit_item(h) for h in hits[:10]])
            items.append(f"<b>{html.escape(name)}</b> ({len(hits)}){inner}")
        parts.append(_li(items))
    return "".join(parts)


def _source_row(o: SourceOutcome) -> str:
    errors = ", ".join(f"{k} {v}" for k, v in o.errors.most_common()) or "none"
    css = ' class="warn"' if o.below_minimum else ""
    return (f"<tr{css}><td>{html.escape(o.slug)}</td><td>{o.items}</td>"
            f"<td>{o.skipped_known}</td><td>{o.min_items}</td><td>{html.escape(errors)}</td></tr>")


def _sources_html(report: Report) -> str:
    rows = "".join(_source_row(o) for o in report.outcomes)
    return ("<table><tr><th>source</th><th>items</th><th>already stored</th><th>minimum</th>"
            f"<th>errors</th></tr>{rows}</table>")


def to_html(report: Report) -> str:
    """Render the report as a standalone HTML page (no scripts, no external requests)."""
    run = report.run
    warnings = "".join(f'<p class="warn">{html.escape(line.strip("*"))}</p>'
                       for line in _health_lines(report))
    body = (
        f"<h1>Crawl report — run {run.id}</h1>"
        f"<p>Started {run.started_at:%Y-%m-%d %H:%M} UTC, status <b>{html.escape(run.status)}"
        f"</b>, sources: {html.escape(', '.join(run.sources))}.</p>{warnings}"
        f"<p>Timestamp: {html.escape(report.timestamp)}.</p>"
        f"<h2>New hits ({len(report.hits)})</h2>{_hits_html(report)}"
        "<h2>Pages with hits that changed</h2>"
        + _li([f"{html.escape(t)} — {html.escape(u)}" for u, t in report.changed])
        + "<h2>Pages with hits that were removed</h2>"
        + _li([f"{html.escape(u)} — {html.escape(r)}" for u, r in report.removed])
        + "<h2>Review figures (every decision to date)</h2>"
        + _li([html.escape(line) for line in _review_lines(report.measures)])
        + f"<h2>Sources</h2>{_sources_html(report)}"
    )
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             ".warn{background:#fdd;border:2px solid #c00;padding:.5em;font-weight:bold}"
             "td,th{border:1px solid #999;padding:.2em .5em}table{border-collapse:collapse}")
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">"
            f"<title>Crawl report — run {run.id}</title><style>{style}</style></head>"
            f"<body>{body}</body></html>\n")


def write_report(report: Report, folder: Path) -> tuple[Path, Path]:
    """Write run-N.md and run-N.html into ``folder``; return both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    md = folder / f"run-{report.run.id}.md"
    page = folder / f"run-{report.run.id}.html"
    md.write_text(to_markdown(report), encoding="utf-8")
    page.write_text(to_html(report), encoding="utf-8")
    return md, page


def load_report(db: str | None, run_id: int | None) -> Report:
    """Build the report of a run (default: the latest)."""
    from db.runs import get_run
    from evidence.services.database import database_session

    with database_session(db) as session:
        run = get_run(session, run_id)
        if run is None:
            raise UserError(f"no run {run_id}" if run_id else "no crawl run recorded yet")
        return build_report(session, run)


def write_run_report(db: str | None, run_id: int) -> tuple[Path, Path]:
    """Write a run's report into <data dir>/reports (called after every crawl)."""
    from db.engine import data_dir_for, resolve_db_url

    folder = data_dir_for(resolve_db_url(db)) / "reports"
    return write_report(load_report(db, run_id), folder)
