"""The named queries of queries/ as an API: list them, run one with its variables bound safely."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casegraph import sparql
from casegraph.queries import load_queries, named_query
from casegraph.service.dependencies import StoreDep
from casegraph.service.errors import NotAcceptable
from casegraph.service.negotiation import choose

router = APIRouter(tags=["Named queries"])
RESERVED = {"format"}


@router.get("/queries", summary="The named queries: competency questions and canned queries")
def list_queries(request: Request) -> list[dict[str, Any]]:
    """Every named query with its title, description, address and SPARQL text."""
    return [{"name": q.name, "title": q.title, "description": q.description,
             "url": str(request.url_for("run_query", name=q.name)), "sparql": q.text} for q in load_queries()]


@router.get("/queries/{name}", summary="Run a named query; other query parameters bind its returned variables")
def run_query(name: str, request: Request, store: StoreDep) -> Response:
    """The result of a named query, by Accept like /sparql; `?person=https://…` binds ?person to that IRI."""
    query = named_query(name)
    bindings = tuple(sparql.bind(k, v) for k, v in request.query_params.items() if k not in RESERVED)
    result = request.app.state.workers.run(sparql.plan(store, query.text, None, bindings))
    offered = sparql.offered(result)
    media_type = choose(request.headers.get("accept"), offered)
    if media_type is None:
        del result  # dropped on the thread that made it
        raise NotAcceptable(f"this result can be sent as {', '.join(offered)}")
    return Response(sparql.serialize(result, media_type), media_type=media_type, headers={"Vary": "Accept"})
