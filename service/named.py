"""The named queries of queries/ as an API: list them, run one with its variables bound safely."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from graph.query import plans, sparql
from graph.query.queries import load_queries, named_query
from service.dependencies import StoreDep
from service.sparql import respond

router = APIRouter(tags=["Named queries"])
RESERVED = {"format"}


@router.get("/queries", summary="The named queries: competency questions and canned queries")
def list_queries(request: Request) -> list[dict[str, Any]]:
    """Every named query with its title, description, address and SPARQL text."""
    return [{"name": q.name, "title": q.title, "description": q.description,
             "url": str(request.url_for("run_query", name=q.name)), "sparql": q.text} for q in load_queries()]


# Read from the request rather than declared one by one, since each query has variables of its own.
BINDINGS = {"parameters": [{
    "name": "bindings", "in": "query", "style": "form", "explode": True,
    "description": "Values for returned variables, by name: an http(s) IRI binds an IRI, anything else a string.",
    "schema": {"type": "object", "additionalProperties": {"type": "string"}}, "example": {"person": "https://w3id.org/casegraph/person/tahir-imin"}}]}


@router.get("/queries/{name}", summary="Run a named query; other query parameters bind its returned variables",
            openapi_extra=BINDINGS)
async def run_query(name: Annotated[str, Path(json_schema_extra={"enum": [q.name for q in load_queries()]})],
                    request: Request, store: StoreDep) -> Response:
    """The result of a named query, by Accept like /sparql; `?person=https://…` binds ?person to that IRI."""
    query = named_query(name)
    bindings = tuple(plans.bind(k, v) for k, v in request.query_params.items() if k not in RESERVED)
    return await respond(request, sparql.plan(store, query.text, None, bindings))
