"""The home page and text search."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from casegraph.index import kept_apart
from casegraph.overview import Overview, overview
from casegraph.service import vendor
from casegraph.service.dependencies import SettingsDep, get_edition
from casegraph.service.negotiation import VARY, html_or_json
from casegraph.service.rendering import local_link, templates

router = APIRouter(tags=["Pages"])


@router.get("/", summary="Home page: what the dataset holds, its sources, and a search box")
def home(request: Request, settings: SettingsDep) -> Response:
    """The home page: the first sources (all of them through the named query) and what the graph holds."""
    edition = get_edition(request)
    sources, total, counts = _overview(edition.build.digest, edition.store_dir, settings.base)
    context = {"sources": sources, "more": total - len(sources), "counts": counts}
    return templates.TemplateResponse(request, "home.html", context)


@lru_cache(maxsize=4)
def _overview(digest: str, store_dir: Path, base: str) -> Overview:
    # Once per store (keyed by its digest), in a process of its own: counting records by kind reads the whole graph.
    sources, total, counts = kept_apart("overview", overview, tuple, store_dir, base)
    for source in sources:
        source["link"] = "/" + source["source"].strip("<>")
    return sources, total, counts


@router.get("/query", summary="The query page: an editor, the named queries as examples, a results table")
def query_page(request: Request, settings: SettingsDep) -> Response:
    """The query page; the editor is CodeMirror from npm when installed, a plain text area otherwise."""
    context = {"base": settings.base, "editor": vendor.installed("codemirror")}
    return templates.TemplateResponse(request, "query.html", context)


@router.get("/search", summary="Find records by any of their names: case-, accent- and script-insensitive")
def search(
    request: Request, settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Text to find in names and labels.")],
    format: Annotated[str | None, Query(pattern="^(html|json)$", description="html or json; default by Accept.")] = None,
) -> Response:
    """Search results as HTML or JSON."""
    hits = [{"iri": h.iri, "name": h.name, "matched": h.matched, "kind": h.kind, "link": local_link(h.iri, settings.base)}
            for h in get_edition(request).search.search(q)]
    if html_or_json(request.headers.get("accept"), format) == "json":
        body: dict[str, Any] = {"query": q, "results": hits}
        return JSONResponse(body, headers=VARY)
    return templates.TemplateResponse(request, "search.html", {"q": q, "hits": hits}, headers=VARY)
