"""The desk's reading pages: search, a document with its hits, and the hits exported."""

from __future__ import annotations

import io
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from db.documents import document_detail
from db.hits import HitView, version_text
from db.ids import record_id
from db.missed import mark_history
from db.review import history
from db.screenshots import latest_for_versions
from db.search import highlight, search, term_needles
from evidence.services.cite import full_citation
from evidence.services.export import FORMATS, search_hits, write_hits
from evidence.services.search import hits_by_version, lists_everything
from web import params
from web.desk import Desk, path_id

EXPORT_LIMIT = 1_000_000


@dataclass(frozen=True)
class Block:
    """A stretch of a document's text: plain, or one hit's sentence."""

    segments: list[tuple[str, bool]]
    hit: HitView | None = None


def search_page(request: Request) -> Response:
    """The search page: query, facets with counts, results with passages and hits.

    Without words or a chosen facet it lists nothing: it asks for words and offers the facets.
    """
    desk: Desk = request.app.state.desk
    query = request.query_params
    wanted = params.search_filter(query)
    unasked = lists_everything(wanted)
    with desk.read() as session:
        page = search(session, wanted)
        shown = [] if unasked else page.results
        hits = hits_by_version(session, [r.facts.version_id for r in shown])
        cites = {h.id: full_citation(session, h) for group in hits.values() for h in group}
    pages = max(1, -(-page.total // params.PAGE_SIZE))
    return desk.render(request, "search.html", page=page, hits=hits, q=wanted.query,
                       query=query, number=wanted.offset // params.PAGE_SIZE + 1, pages=pages,
                       needles=page.needles, mark=_mark_hit, cites=cites, unasked=unasked)


def _mark_hit(hit: HitView, needles: list[str]) -> list[tuple[str, bool]]:
    """A hit's sentence with its lexicon terms and the query words marked."""
    return highlight(hit.sentence, [*term_needles([*hit.terms, *hit.companies]), *needles])


def text_blocks(body: str, hits: list[HitView], needles: list[str]) -> list[Block]:
    """The full text cut into plain stretches and hit sentences, all marked."""
    blocks, pos = [], 0
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.start < pos:
            continue
        blocks.append(Block(highlight(body[pos:hit.start], needles)))
        blocks.append(Block(_mark_hit(hit, needles), hit))
        pos = hit.end
    blocks.append(Block(highlight(body[pos:], needles)))
    return blocks


def document_page(request: Request) -> Response:
    """A document: status, versions, every hit in the full text, citations and reviews."""
    desk: Desk = request.app.state.desk
    q = request.query_params.get("q", "")[:500]
    with desk.read() as session:
        detail = document_detail(session, path_id(request, "document_id"))
        if detail is None or not detail.versions:
            raise HTTPException(404, "no such document")
        chosen = _chosen_version(request, [v.id for v in detail.versions])
        hits = hits_by_version(session, [chosen]).get(chosen, [])
        body = version_text(session, chosen)
        reviews = {hit.id: history(session, hit.id) for hit in hits}
        cites = {hit.id: full_citation(session, hit) for hit in hits}
        marks = mark_history(session, detail.id)
        shot = latest_for_versions(session, [chosen]).get(chosen)
    from db.search import highlight_words

    needles = highlight_words(q) if q.strip() else []
    version = next(v for v in detail.versions if v.id == chosen)
    return desk.render(request, "document.html", doc=detail, version=version, hits=hits,
                       blocks=text_blocks(body, hits, needles), reviews=reviews, q=q,
                       mark=_mark_hit, needles=needles, cites=cites, marks=marks,
                       newest=detail.versions[-1], shot=shot,
                       here=str(request.url.path) + (f"?{request.url.query}"
                                                     if request.url.query else ""))


def _chosen_version(request: Request, ids: list[int]) -> int:
    wanted = record_id(request.query_params.get("version"))
    return wanted if wanted in ids else ids[-1]


def export(request: Request) -> Response:
    """The hits of the current result set as CSV or JSON Lines (citation fields and reviews)."""
    desk: Desk = request.app.state.desk
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        raise HTTPException(404, "export formats: csv, jsonl")
    wanted = params.search_filter(request.query_params, limit=EXPORT_LIMIT)
    out = io.StringIO()
    with desk.read() as session:
        rows = list(search_hits(session, wanted))
    write_hits(rows, out, fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson; charset=utf-8"
    disposition = f'attachment; filename="evidence-hits.{fmt}"'
    return Response(out.getvalue(), media_type=media,
                    headers={"content-disposition": disposition})
