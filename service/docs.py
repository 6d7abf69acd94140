"""The OpenAPI documentation page, with Swagger UI from npm served locally instead of from a CDN."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from graph.errors import NotFound
from service import vendor
from service.rendering import templates

router = APIRouter(tags=["Pages"])

@router.get("/docs", summary="The API documentation, interactive (Swagger UI)", include_in_schema=False)
def docs(request: Request) -> Response:
    """Swagger UI over /openapi.json; 404 with the install command where npm was not available."""
    if not vendor.installed("swagger-ui"):
        raise NotFound("the API documentation page needs swagger-ui-dist: run `npm ci --prefix service` "
                           "(make install does); the OpenAPI document itself is at /openapi.json")
    return templates.TemplateResponse(request, "docs.html", {"openapi": request.app.openapi_url})
