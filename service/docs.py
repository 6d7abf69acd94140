"""The OpenAPI documentation page, with Swagger UI from npm served locally instead of from a CDN."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from casegraph.errors import NotFound
from casegraph.service import vendor
from casegraph.service.rendering import templates
from casegraph.writes import DOCUMENT_FORMATS

router = APIRouter(tags=["Pages"])

# Routes that read their body themselves (to bound its size and choose the parser by media type) declare it here,
# since FastAPI sees no body parameter to describe.
SOURCE_DOCUMENT: dict[str, Any] = {"requestBody": {
    "required": True, "description": "One source document: its catalog entry and its facts.",
    "content": {media_type: {"schema": {"type": "string"}} for media_type in DOCUMENT_FORMATS}}}
SPARQL_QUERY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/sparql-query": {"schema": {"type": "string", "description": "The SPARQL 1.1 query."}},
    "application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["query"],
        "properties": {"query": {"type": "string"},
                       "default-graph-uri": {"type": "array", "items": {"type": "string", "format": "iri"}},
                       "named-graph-uri": {"type": "array", "items": {"type": "string", "format": "iri"}}}}}}}}


def describe_bodies(router: APIRouter) -> None:
    """Declare, in the OpenAPI document, the source document that the router's POST and PUT routes read."""
    for route in router.routes:
        if isinstance(route, APIRoute) and (route.methods or set()) & {"POST", "PUT"}:
            route.openapi_extra = SOURCE_DOCUMENT


@router.get("/docs", summary="The API documentation, interactive (Swagger UI)", include_in_schema=False)
def docs(request: Request) -> Response:
    """Swagger UI over /openapi.json; 404 with the install command where npm was not available."""
    if not vendor.installed("swagger-ui"):
        raise NotFound("the API documentation page needs swagger-ui-dist: run `npm ci --prefix service` "
                           "(make install does); the OpenAPI document itself is at /openapi.json")
    return templates.TemplateResponse(request, "docs.html", {"openapi": request.app.openapi_url})
