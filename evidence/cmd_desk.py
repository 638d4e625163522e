"""The analyst's desk commands: search, review, serve."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import OperationalError

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from evidence.argtypes import row_id
from evidence.errors import UserError
from evidence.plain import add_row

if TYPE_CHECKING:
    from web.auth import Login

DEFAULT_PORT = 8750
STATUS_CHOICES = ["confirmed", "rejected", "needs-translation"]


def _reviewer_default() -> str:
    try:
        return os.environ.get("EVIDENCE_REVIEWER") or getpass.getuser()
    except (KeyError, OSError):
        return ""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add search, review and serve."""
    from evidence.commands import _date

    p = sub.add_parser("search", parents=[common], help="full-text search of every document")
    p.add_argument("query", nargs="*", help="words or phrases, Simplified or Traditional")
    p.add_argument("--all", action="store_true",
                   help="with no words: list the documents the filters match (needs a filter)")
    p.add_argument("--source", help="only this source slug")
    p.add_argument("--kind", choices=["state_media", "government", "company"])
    p.add_argument("--from", dest="date_from", type=_date, help="published on/after")
    p.add_argument("--to", dest="date_to", type=_date, help="published on/before")
    p.add_argument("--language", help="only documents in this language (zh, en ...)")
    p.add_argument("--flagged", action="store_true", help="only documents with hits")
    p.add_argument("--limit", type=int, default=20, help="at most this many documents")
    p.add_argument("--sort", choices=["auto", "relevance", "newest"], default="auto",
                   help="order of results (auto: most relevant first, newest first when more "
                        "match than one search ranks; docs/search-scale.md)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=search)

    p = sub.add_parser("review", parents=[common],
                       help="mark a hit confirmed/rejected/needs-translation, or a document "
                            "as missed evidence; or list reviews")
    p.add_argument("hit_id", type=row_id, nargs="?", help="the hit (without --status: its history)")
    p.add_argument("--status", help=f"record a decision: {', '.join(STATUS_CHOICES)}; "
                                    "without a hit id: list hits in this state (or unreviewed),"
                                    " or documents marked missed / not-missed")
    mark = p.add_mutually_exclusive_group()
    mark.add_argument("--missed", type=row_id, metavar="DOC_ID",
                      help="mark a document the detector did not flag as missed evidence "
                           "(its newest version; --note says where the evidence is)")
    mark.add_argument("--not-missed", type=row_id, metavar="DOC_ID",
                      help="withdraw a document's missed-evidence mark")
    p.add_argument("--category", help="with --missed: the kind of evidence (e.g. transfer)")
    p.add_argument("--note", default="", help="why (kept with the decision)")
    p.add_argument("--reviewer", default=_reviewer_default(),
                   help="your name (default: $EVIDENCE_REVIEWER, else the login name)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=review)

    p = sub.add_parser("serve", parents=[common], help="the web desk: search, read, review")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1; any address other machines reach "
                        "needs --users or $EVIDENCE_DESK_TOKEN)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--reviewer", default=_reviewer_default(),
                   help="name recorded on reviews when nobody signs in")
    p.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                   help="a host name browsers reach the desk by (repeatable; besides "
                        "localhost, 127.0.0.1 and the bound address; env "
                        "EVIDENCE_ALLOWED_HOSTS, comma-separated)")
    p.add_argument("--users", metavar="FILE",
                   help="require sign-in (HTTP basic) by the users of FILE; the signed-in name "
                        "is the reviewer (env EVIDENCE_DESK_USERS)")
    p.add_argument("--add-user", metavar="NAME",
                   help="add NAME to the --users file or change its password (asked for, or "
                        "one line on standard input), then exit")
    p.set_defaults(func=serve)


def _console() -> Console:
    return Console(highlight=False, emoji=False, soft_wrap=True)


def _rich(segments: list[tuple[str, bool]], styled: bool = True) -> str:
    """Marked segments as rich markup: bold yellow on a terminal, «like this» in a pipe."""
    start, end = ("[bold yellow]", "[/bold yellow]") if styled else ("«", "»")
    return "".join(f"{start}{escape(t)}{end}" if hit else escape(t) for t, hit in segments)


def _sync(session: Any) -> None:
    """Bring the full-text index up to date (a read-only database is searched as it is)."""
    from db.search import sync_index

    try:
        added = sync_index(session)
    except OperationalError as exc:
        print(f"evidence: warning: index not updated: {exc.orig}", file=sys.stderr)
        session.rollback()
        return
    if added:
        print(f"indexed {added} version(s) for full-text search", file=sys.stderr)


def search(args: argparse.Namespace) -> int:
    """Search every stored document; print ranked results with the passage marked."""
    from db.search import SearchFilter
    from db.search import search as run_search
    from evidence.search_query import check_query

    query = " ".join(args.query)
    wanted = SearchFilter(
        query=query, source=args.source, kind=args.kind, language=args.language,
        flagged="yes" if args.flagged else None, date_from=args.date_from,
        date_to=args.date_to, limit=max(1, args.limit), sort=args.sort)
    check_query(wanted, args.all)
    engine = open_database(args.db, create=False)
    with session_scope(engine) as session:
        _sync(session)
        page = run_search(session, wanted)
    engine.dispose()
    if args.format == "json":
        rows = [asdict(r.facts) | {"rank": r.rank, "passage": "".join(t for t, _ in r.passage),
                                   "marked": [t for t, hit in r.passage if hit]}
                for r in page.results]
        json.dump({"query": query, "total": page.total, "capped": page.capped,
                   "order": page.order, "results": rows}, sys.stdout,
                  ensure_ascii=False, indent=2, default=_json_default)
        print()
        return 0
    _search_table(page, query)
    return 0


def _json_default(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(value)
    return str(value)


def _search_table(page: Any, query: str) -> None:
    out = _console()
    for number, result in enumerate(page.results, 1):
        f = result.facts
        title = _rich(result.title, out.is_terminal) if f.title else "(untitled)"
        hits = f" · {f.hits} hit(s)" if f.hits else ""
        out.print(f"[bold]{number}. {title}[/bold]")
        out.print(f"   [dim]doc {f.document_id} · {escape(f.source)} · "
                  f"{escape(str(f.published_at or 'n.d.'))} · {escape(f.language)}{hits}[/dim]")
        out.print("   " + _rich(result.passage, out.is_terminal))
        out.print(f"   {escape(f.url)}\n")
    more = "+ (the newest that meet the filters; add words or filters)" if page.capped else ""
    order = {"relevance": "most relevant first", "newest": "newest first"}.get(page.order, "")
    out.print(f"{page.total}{more} document(s) match “{escape(query)}”; "
              f"showing {len(page.results)}" + (f", {order}" if order else ""))


def review(args: argparse.Namespace) -> int:
    """Record or list hit reviews and missed-evidence marks, or show a hit's history."""
    from db.missed import MARK_STATES, normalise_mark
    from db.review import ReviewError

    _check_review_args(args)
    engine = open_database(args.db, create=False)
    try:
        if args.missed is not None or args.not_missed is not None:
            return _mark(engine, args)
        if args.hit_id is None and args.status and \
                args.status.strip().lower().replace("-", "_") in MARK_STATES:
            return _list_marks(engine, normalise_mark(args.status), args.format)
        if args.hit_id is not None and args.status:
            return _record(engine, args)
        if args.hit_id is not None:
            return _history(engine, args.hit_id, args.format)
        return _list(engine, args)
    except ReviewError as exc:
        raise UserError(str(exc)) from exc
    finally:
        engine.dispose()


def _check_review_args(args: argparse.Namespace) -> None:
    """Refuse combinations that mix a hit decision with a document mark."""
    marking = args.missed is not None or args.not_missed is not None
    if marking and (args.hit_id is not None or args.status):
        raise UserError("--missed/--not-missed mark a document: give no hit id or --status")
    if args.category and args.missed is None:
        raise UserError("--category goes with --missed DOC_ID")


def _mark(engine: Any, args: argparse.Namespace) -> int:
    from db.missed import MISSED, NOT_MISSED, mark_document

    document_id, status = ((args.missed, MISSED) if args.missed is not None
                           else (args.not_missed, NOT_MISSED))
    with session_scope(engine) as session:
        row = mark_document(session, document_id, status, args.reviewer, args.note,
                            args.category)
    what = "marked as missed evidence" if status == MISSED else "missed-evidence mark withdrawn"
    category = f" [{row.category}]" if row.category else ""
    print(f"document {row.document_id} (version {row.version_id}, score {row.score:.2f}, "
          f"lexicon {row.lexicon_version}): {what}{category} by {row.reviewer} at "
          f"{row.reviewed_at}" + (f" — {row.note}" if row.note else ""))
    return 0


MARK_FIELDS = ["document_id", "version_id", "status", "category", "note", "reviewer",
               "reviewed_at", "lexicon_version", "score", "source", "language", "flagged_now",
               "title", "url"]


def _mark_dict(found: Any) -> dict[str, Any]:
    return asdict(found.mark) | {"source": found.source, "language": found.language,
                                 "flagged_now": found.flagged_now, "title": found.title,
                                 "url": found.url}


def _list_marks(engine: Any, status: str, fmt: str) -> int:
    """Documents whose newest missed-evidence mark is ``status``."""
    from db.missed import marked_documents
    from evidence.commands import console
    from evidence.csvsafe import write_rows

    with session_scope(engine) as session:
        found = marked_documents(session, status)
    rows = [_mark_dict(d) for d in found]
    if fmt == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif fmt == "csv":
        write_rows(sys.stdout, MARK_FIELDS, rows)
    else:
        table = Table("doc", "version", "source", "category", "reviewer", "when", "note",
                      "flagged now", "title")
        for r in rows:
            add_row(table, r["document_id"], r["version_id"], r["source"], r["category"],
                    r["reviewer"], r["reviewed_at"][:10], r["note"],
                    "yes" if r["flagged_now"] else "no", r["title"])
        out = console()
        out.print(table)
        out.print(f"{len(rows)} documents {status.replace('_', '-')}")
    return 0


def _record(engine: Any, args: argparse.Namespace) -> int:
    from db.queries import get_hit
    from db.review import add_review
    from evidence.cite import full_citation

    with session_scope(engine) as session:
        row = add_review(session, args.hit_id, args.status, args.reviewer, args.note)
    print(f"hit {row.hit_id}: {row.label} by {row.reviewer} at {row.reviewed_at}")
    with session_scope(engine) as session:
        hit = get_hit(session, args.hit_id)
        if hit is not None:
            print(full_citation(session, hit))
    return 0


def _history(engine: Any, hit_id: int, fmt: str) -> int:
    from db.review import history

    with session_scope(engine) as session:
        rows = history(session, hit_id)
    if fmt == "json":
        json.dump([asdict(r) for r in rows], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not rows:
        print(f"hit {hit_id} has no reviews")
    for r in rows:
        carried = f" (carried over from review {r.carried_from_id})" if r.carried_from_id else ""
        print(f"{r.reviewed_at}  {r.label:<17} {r.reviewer}{carried}" + (f" — {r.note}"
                                                                         if r.note else ""))
    return 0


def _list(engine: Any, args: argparse.Namespace) -> int:
    from db.queries import UNREVIEWED, HitFilter, find_hits
    from db.review import normalise_status
    from evidence.commands import write_csv

    state = None
    if args.status:
        state = UNREVIEWED if args.status.strip().lower() == UNREVIEWED else \
            normalise_status(args.status)
    with session_scope(engine) as session:
        found = find_hits(session, HitFilter(review=state) if state else HitFilter())
    found = found if state else [h for h in found if h.review_status]
    if args.format == "csv":
        write_csv(found, sys.stdout)
    elif args.format == "json":
        json.dump([h.to_dict() for h in found], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        table = Table("hit", "review", "reviewer", "when", "note", "sentence")
        for h in found:
            add_row(table, h.id, (h.review_status or UNREVIEWED).replace("_", "-"), h.reviewer,
                    (h.reviewed_at or "")[:10], h.review_note, h.sentence)
        _console().print(table)
        _console().print(f"{len(found)} hits")
    return 0


def serve(args: argparse.Namespace) -> int:
    """Serve the desk on 127.0.0.1 (or --host) until interrupted."""
    import uvicorn

    from web.app import create_app
    from web.security import is_loopback

    if args.add_user:
        return _add_user(args)
    login = _desk_login(args)
    if login is None and not is_loopback(args.host):
        raise UserError(f"--host {args.host} can be reached from other machines: the desk needs "
                        "credentials there (--users FILE or $EVIDENCE_DESK_USERS, or "
                        "$EVIDENCE_DESK_TOKEN; docs/desk.md#exposing-the-desk)")
    hosts = _allowed_hosts(args)
    url = resolve_db_url(args.db)
    open_database(url, create=False).dispose()
    app = create_app(url, args.reviewer, hosts=hosts, login=login)
    if not is_loopback(args.host):
        print(f"evidence: warning: serving on {args.host} over plain HTTP: passwords cross the "
              "network readable; put a TLS reverse proxy in front "
              "(docs/desk.md#exposing-the-desk)", file=sys.stderr)
    signin = "sign-in required" if login else "no sign-in (this machine only)"
    print(f"Evidence desk on http://{args.host}:{args.port}/  (database {url}; raw copies "
          f"{data_dir_for(url)}; answers to {', '.join(hosts)}; {signin}); Ctrl-C stops it",
          flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


MIN_TOKEN = 16


def _desk_login(args: argparse.Namespace) -> Login | None:
    """The desk's Login from --users / $EVIDENCE_DESK_USERS and $EVIDENCE_DESK_TOKEN, or None."""
    from web.auth import Login, LoginError, read_users

    users_file = args.users or os.environ.get("EVIDENCE_DESK_USERS")
    token = os.environ.get("EVIDENCE_DESK_TOKEN") or None
    if token is not None and len(token) < MIN_TOKEN:
        raise UserError(f"EVIDENCE_DESK_TOKEN is too short (at least {MIN_TOKEN} characters: "
                        "python3 -c 'import secrets; print(secrets.token_urlsafe())')")
    try:
        users = read_users(Path(users_file)) if users_file else {}
    except LoginError as exc:
        raise UserError(str(exc)) from exc
    if users_file and not users and token is None:
        raise UserError(f"{users_file}: no users (add one with --add-user NAME)")
    return Login(users, token) if users or token else None


def _allowed_hosts(args: argparse.Namespace) -> list[str]:
    """Host names to answer to: loopback, the bound address, --allowed-host, the environment."""
    from web.security import allowed_hosts

    named = [n for n in os.environ.get("EVIDENCE_ALLOWED_HOSTS", "").split(",") if n.strip()]
    try:
        return allowed_hosts(args.host, [*args.allowed_host, *named])
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def _add_user(args: argparse.Namespace) -> int:
    """Add a user (or change its password) in the users file."""
    from web.auth import LoginError, add_user

    users_file = args.users or os.environ.get("EVIDENCE_DESK_USERS")
    if not users_file:
        raise UserError("--add-user needs --users FILE (or $EVIDENCE_DESK_USERS)")
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.add_user}: ")
        if getpass.getpass("Again: ") != password:
            raise UserError("the passwords differ; nothing changed")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        add_user(Path(users_file), args.add_user, password)
    except LoginError as exc:
        raise UserError(str(exc)) from exc
    print(f"{users_file}: {args.add_user} can sign in to the desk")
    return 0
