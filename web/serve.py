"""`evidence serve`: the web desk served by uvicorn, with its sign-in and host checks.

The command line's composition root (evidence/cli.py) adds this command to the `evidence`
parser, so that the command modules never import the web app.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.engine import data_dir_for, open_database, resolve_db_url
from evidence.services.errors import UserError
from evidence.services.review import default_reviewer

if TYPE_CHECKING:
    from web.auth import Login

DEFAULT_PORT = 8750


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add serve."""
    p = sub.add_parser("serve", parents=[common], help="the web desk: search, read, review")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1; any address other machines reach "
                        "needs --users or $EVIDENCE_DESK_TOKEN)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--reviewer", default=default_reviewer(),
                   help="name recorded on reviews when nobody signs in")
    p.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                   help="a host name browsers reach the desk by (repeatable; besides "
                        "localhost, 127.0.0.1 and the bound address; env "
                        "EVIDENCE_ALLOWED_HOSTS, comma-separated)")
    p.add_argument("--users", metavar="FILE", help="require sign-in (HTTP basic) by the users "
                   "of FILE; the signed-in name is the reviewer (env EVIDENCE_DESK_USERS)")
    p.add_argument("--add-user", metavar="NAME", help="add NAME to the --users file or change "
                   "its password (asked for, or one line on standard input), then exit")
    p.set_defaults(func=serve)


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
