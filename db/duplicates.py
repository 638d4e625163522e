"""Identical bodies of one publisher under two hosts or ports: evidence stored twice.

A page is stored once per canonical URL. When a source file names a second host (``www.`` and
bare, http and https, another port, a mirror the site moved to), the same bytes come back
under new URLs and are stored again as new documents, with their hits. Raw bodies are
SHA-256 addressed, so such copies are found by digest: a digest captured for one publisher
under more than one origin (scheme, host and port) is a duplication a person should look at.
Reposts by *other* publishers are not this (they are linked as repost clusters, db/clusters.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from db.models import Capture, Document, Source


@dataclass(frozen=True)
class HostDuplicate:
    """One publisher's identical bodies found under several origins."""

    publisher: str
    origins: tuple[str, ...]  # e.g. ("http://www.x.gov.cn", "https://x.gov.cn:8443"), sorted
    bodies: int  # how many distinct bodies (SHA-256) were stored under more than one origin
    example: tuple[str, ...]  # the URLs of one such body, sorted


def origin(url: str) -> str:
    """scheme://host[:port] of a canonical URL (default ports are already dropped)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _shared_digests(run_id: int | None) -> Select[tuple[str | None]]:
    """Digests stored for documents under more than one URL (with ``run_id``: fetched in it)."""
    query = (select(Capture.sha256)
             .join(Document, Capture.document_id == Document.id)
             .where(Capture.sha256.is_not(None), Capture.error.is_(None))
             .group_by(Capture.sha256)
             .having(func.count(func.distinct(Document.url)) > 1))
    if run_id is not None:
        query = query.where(Capture.sha256.in_(
            select(Capture.sha256).where(Capture.run_id == run_id)))
    return query


def duplicate_hosts(session: Session, run_id: int | None = None) -> list[HostDuplicate]:
    """Publishers whose identical bodies were stored under two or more origins, most first;
    with ``run_id``, only bodies that run fetched (what a crawl summary warns about)."""
    rows = session.execute(
        select(Source.publisher, Capture.sha256, Document.url)
        .join(Document, Capture.document_id == Document.id)
        .join(Source, Document.source_id == Source.id)
        .where(Capture.sha256.in_(_shared_digests(run_id)), Capture.error.is_(None))
        .distinct())
    urls: dict[tuple[str, str], set[str]] = defaultdict(set)
    for publisher, digest, url in rows:
        urls[(publisher, digest)].add(url)
    found: dict[str, list[set[str]]] = defaultdict(list)
    for (publisher, _), copies in sorted(urls.items()):
        if len({origin(url) for url in copies}) > 1:
            found[publisher].append(copies)
    return sorted((_summary(publisher, groups) for publisher, groups in found.items()),
                  key=lambda d: (-d.bodies, d.publisher))


def _summary(publisher: str, groups: list[set[str]]) -> HostDuplicate:
    """One publisher's duplicated bodies as a HostDuplicate."""
    origins = sorted({origin(url) for copies in groups for url in copies})
    example = min(tuple(sorted(copies)) for copies in groups)
    return HostDuplicate(publisher, tuple(origins), len(groups), example)
