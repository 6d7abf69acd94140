"""The statistics page: charts of the cases, computed once for each store served."""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from casegraph.charts import Chart, charts
from casegraph.service.dependencies import SettingsDep, StoreDep, get_edition
from casegraph.service.negotiation import html_or_json
from casegraph.service.rendering import local_link, templates
from casegraph.store import CaseStore

router = APIRouter(tags=["Pages"])


@lru_cache(maxsize=4)
def _charts(digest: str, store: CaseStore) -> list[Chart]:
    # Once per store (keyed by its digest): the seven chart queries read the whole graph.
    return charts(store)


@router.get("/stats", summary="Statistics: people per court, charge, article and facility; sentence lengths; events per year")
def statistics(
    request: Request, store: StoreDep, settings: SettingsDep,
    format: Annotated[str | None, Query(pattern="^(html|json)$", description="html or json; default by Accept.")] = None,
) -> Response:
    """The charts as HTML (bar charts in SVG, with the numbers as tables) or as JSON."""
    drawn = _charts(get_edition(request).build.digest, store)
    if html_or_json(request.headers.get("accept"), format) == "json":
        return JSONResponse([asdict(chart) for chart in drawn])
    context = {"charts": drawn, "link": lambda iri: local_link(iri, settings.base)}
    return templates.TemplateResponse(request, "charts.html", context)
