"""The statistics page: charts of the cases, computed from the live store on each request."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from casegraph.charts import charts
from casegraph.service.dependencies import SettingsDep, StoreDep
from casegraph.service.negotiation import html_or_json
from casegraph.service.rendering import local_link, templates

router = APIRouter(tags=["Pages"])


@router.get("/stats", summary="Statistics: people per court, charge, article and facility; sentence lengths; events per year")
def statistics(
    request: Request, store: StoreDep, settings: SettingsDep,
    format: Annotated[str | None, Query(pattern="^(html|json)$", description="html or json; default by Accept.")] = None,
) -> Response:
    """The charts as HTML (bar charts in SVG, with the numbers as tables) or as JSON."""
    drawn = charts(store)
    if html_or_json(request.headers.get("accept"), format) == "json":
        return JSONResponse([asdict(chart) for chart in drawn])
    context = {"charts": drawn, "link": lambda iri: local_link(iri, settings.base)}
    return templates.TemplateResponse(request, "charts.html", context)
