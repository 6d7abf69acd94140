"""The statistics page: charts of the cases, computed once for each store served."""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from graph.editions.index import summary_apart
from graph.publish.charts import Chart, charts
from service.dependencies import SettingsDep, get_edition
from service.negotiation import VARY, html_or_json
from service.rendering import local_link, templates

router = APIRouter(tags=["Pages"])


@lru_cache(maxsize=4)
def _charts(digest: str, store_dir: Path, base: str) -> list[Chart]:
    # Once per store (keyed by its digest), in a process of its own: the seven chart queries read the whole graph.
    drawn: list[Chart] = summary_apart("charts", charts, list[Chart], store_dir, base)
    return drawn


@router.get("/stats", summary="Statistics: people per court, charge, article and facility; sentence lengths; events per year")
def statistics(
    request: Request, settings: SettingsDep,
    format: Annotated[str | None, Query(pattern="^(html|json)$", description="html or json; default by Accept.")] = None,
) -> Response:
    """The charts as HTML (bar charts in SVG, with the numbers as tables) or as JSON."""
    edition = get_edition(request)
    drawn = _charts(edition.build.digest, edition.store_dir, settings.base)
    if html_or_json(request.headers.get("accept"), format) == "json":
        return JSONResponse([asdict(chart) for chart in drawn], headers=VARY)
    context = {"charts": drawn, "link": lambda iri: local_link(iri, settings.base)}
    return templates.TemplateResponse(request, "charts.html", context, headers=VARY)
