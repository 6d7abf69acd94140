"""The home page, the paged lists of sources by collection, and text search."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from graph.editions.index import summary_apart
from graph.errors import NotFound
from graph.publish.overview import NO_COLLECTION, PAGE_SIZE, Collection, Overview, overview, source_summaries
from service import vendor
from service.dependencies import SettingsDep, get_edition
from service.negotiation import VARY, html_or_json
from service.rendering import local_link, templates

router = APIRouter(tags=["Pages"])


@router.get("/", summary="Home page: what the dataset holds, its sources by collection, the newest, and a search box")
def home(request: Request, settings: SettingsDep) -> Response:
    """The home page: each collection of sources with a link to its list, the newest sources, and what the graph holds."""
    edition = get_edition(request)
    store_overview = _overview(edition.build.digest, edition.store_dir, settings.base)
    context = {"collections": [_summary(c) for c in store_overview.collections], "newest": store_overview.newest,
               "counts": store_overview.counts}
    return templates.TemplateResponse(request, "home.html", context)


@router.get("/sources", summary="The source documents of one collection, a page at a time; without one, the collections")
def source_list(
    request: Request, settings: SettingsDep,
    collection: Annotated[str | None, Query(max_length=300, description=(
        f"The collection's path, as the collections list links it (publication/…), or {NO_COLLECTION} for the documents "
        "that are part of no collection."))] = None,
    page: Annotated[int, Query(ge=1, le=10**9, description=f"Which page, from 1; {PAGE_SIZE} sources a page.")] = 1,
    format: Annotated[str | None, Query(pattern="^(html|json)$", description="html or json; default by Accept.")] = None,
) -> Response:
    """One page of a collection's sources, sorted by IRI, with rel=prev/next links; 404 past its last page."""
    edition = get_edition(request)
    store_overview = _overview(edition.build.digest, edition.store_dir, settings.base)
    as_json = html_or_json(request.headers.get("accept"), format) == "json"
    if collection is None:
        summaries = [_summary(c) for c in store_overview.collections]
        if as_json:
            return JSONResponse({"collections": summaries}, headers=VARY)
        return templates.TemplateResponse(request, "sources.html", {"collections": summaries}, headers=VARY)
    chosen = _collection(store_overview, collection, page)
    body: dict[str, Any] = _summary(chosen) | {
        "page": page, "pages": chosen.pages, "page_size": PAGE_SIZE,
        # Described afresh each time, fifty point queries: kept, they would hold the stores of past editions open.
        "sources": source_summaries(edition.store, chosen.page(page), settings.base),
        "prev": _page_link(chosen, page - 1) if page > 1 else None,
        "next": _page_link(chosen, page + 1) if page < chosen.pages else None}
    links = ", ".join(f'<{body[rel]}>; rel="{rel}"' for rel in ("prev", "next") if body[rel])
    headers = VARY | ({"Link": links} if links else {})
    if as_json:
        return JSONResponse(body, headers=headers)
    return templates.TemplateResponse(request, "sources.html", {"listing": body}, headers=headers)


def _collection(store_overview: Overview, key: str, page: int) -> Collection:
    """The collection with this key, holding this page; NotFound naming the keys there are, or how many pages it has."""
    found = next((c for c in store_overview.collections if c.key == key), None)
    if found is None:
        known = ", ".join(c.key for c in store_overview.collections)
        raise NotFound(f"no collection {key!r} (query parameter collection); the collections are: {known}")
    if page > found.pages:
        raise NotFound(f"page {page} (query parameter page) is past the end of {key}: it has {found.pages} "
                       f"page{'s' if found.pages != 1 else ''} of {PAGE_SIZE} sources")
    return found


def _summary(collection: Collection) -> dict[str, Any]:
    return {"collection": collection.key, "label": collection.label, "size": collection.size,
            "link": _page_link(collection, 1)}


def _page_link(collection: Collection, page: int) -> str:
    return "/sources?" + urlencode({"collection": collection.key} | ({"page": page} if page > 1 else {}))


@lru_cache(maxsize=4)
def _overview(digest: str, store_dir: Path, base: str) -> Overview:
    # Once per store (keyed by its digest), in a process of its own: counting records by kind reads the whole graph.
    return summary_apart("overview", overview, Overview, store_dir, base)


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
