"""Relationship networks over HTTP: views, ego networks, explained paths and measures, in several formats."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from graph.errors import UsageError
from graph.network import formats as netformats
from graph.network import network
from service import vendor
from service.dependencies import SettingsDep, get_edition
from service.negotiation import negotiate
from service.rendering import local_link, templates

router = APIRouter(tags=["Networks"])

# The formats and views are listed in the OpenAPI document, not checked by FastAPI: another value gets its own message.
FormatParam = Annotated[str | None, Query(description="json (node-link), cytoscape, graphml, gexf or png; default by Accept.",
                                          json_schema_extra={"enum": list(netformats.MEDIA_TYPES)})]
ViewParam = Annotated[str, Query(description="people, cases, shared or all.", json_schema_extra={"enum": list(network.VIEWS)})]
KindsParam = Annotated[str | None, Query(description="Comma-separated edge kinds to follow, e.g. businessPartner,court.")]
NETWORK_TYPES = [netformats.MEDIA_TYPES[f] for f in ("json", "cytoscape", "graphml", "gexf", "png")]


def _views(request: Request) -> dict[str, network.View]:
    views: dict[str, network.View] = get_edition(request).views
    return views


def _accepted(request: Request, offered: list[str]) -> str:
    """The name of the format (json, graphml, …) whose media type the Accept header prefers."""
    media_type = negotiate(request.headers.get("accept"), offered)
    return next(f for f, t in netformats.MEDIA_TYPES.items() if t == media_type)


def _format(request: Request, fmt: str | None) -> str:
    """The format asked for by ?format= or else by Accept."""
    fmt = fmt or _accepted(request, NETWORK_TYPES)
    if fmt not in netformats.MEDIA_TYPES:
        raise UsageError(f"format must be one of {', '.join(netformats.MEDIA_TYPES)}, not {fmt!r}")
    return fmt


def _send(request: Request, graph: network.Network, fmt: str | None, name: str) -> Response:
    """A network in the format asked for; GraphML and GEXF as downloads."""
    fmt = _format(request, fmt)
    return _sent(netformats.write(graph, fmt), fmt, name)


def _sent(body: bytes, fmt: str, name: str) -> Response:
    headers = {"Vary": "Accept"}
    if fmt in ("graphml", "gexf", "png"):
        headers["Content-Disposition"] = f'attachment; filename="{name}.{netformats.EXTENSIONS[fmt]}"'
    return Response(body, media_type=netformats.MEDIA_TYPES[fmt], headers=headers)


def _node(request: Request, text: str, view: str, base: str) -> str:
    return network.resolve(network.view(_views(request), view), get_edition(request).search, text, base)


@router.get("/graph/views", summary="The network views: what each holds, with its size and edge kinds")
def list_views(request: Request) -> list[dict[str, Any]]:
    """Every view with its description, size, edge kinds and address."""
    return [{"name": name, "description": network.VIEWS[name], "nodes": graph.number_of_nodes(),
             "edges": graph.number_of_edges(), "kinds": network.kinds_of(graph),
             "url": str(request.url_for("get_view", name=name))} for name, graph in _views(request).items()]


@router.get("/graph/views/{name}", summary="A whole network view")
def get_view(request: Request, name: Annotated[str, Path(json_schema_extra={"enum": list(network.VIEWS)})],
             format: FormatParam = None) -> Response:
    """One view in node-link JSON, Cytoscape.js JSON, GraphML, GEXF or PNG."""
    return _send(request, network.whole(network.view(_views(request), name)), format, f"casegraph-{name}")


@router.get("/graph/ego", summary="The ego network of a node: everything within a number of links")
def get_ego(
    request: Request, settings: SettingsDep,
    node: Annotated[list[str], Query(description="An IRI, a path such as person/tahir-imin, or a name that finds one "
                                                  "node; repeat it for the union of several ego networks.")],
    depth: Annotated[int, Query(ge=0, le=network.MAX_DEPTH)] = 1,
    kinds: KindsParam = None, view: ViewParam = "all", format: FormatParam = None,
) -> Response:
    """Everything within `depth` links of the node(s), over the edge kinds given (all by default)."""
    iris = [_node(request, text, view, settings.base) for text in node]
    graph, fmt, name = network.view(_views(request), view), _format(request, format), f"ego-{iris[0].rsplit('/', 1)[-1]}"
    if fmt == "json":  # what the explorer asks for, written without a networkx graph
        return _sent(netformats.json_bytes(network.ego_node_link(graph, iris, depth, network.parse_kinds(kinds))), fmt, name)
    return _sent(netformats.write(network.ego(graph, iris, depth, network.parse_kinds(kinds)), fmt), fmt, name)


@router.get("/graph/path", summary="How two nodes are connected: shortest and all simple paths, each hop explained")
def get_path(
    request: Request, settings: SettingsDep,
    source: Annotated[str, Query(description="Where the paths start: an IRI, a path or a name.")],
    target: Annotated[str, Query(description="Where the paths end: an IRI, a path or a name.")],
    max_length: Annotated[int, Query(ge=1, le=network.MAX_LENGTH)] = 4,
    kinds: KindsParam = None, view: ViewParam = "all", format: FormatParam = None,
) -> Response:
    """The paths as JSON, each hop with its links and sources; in the other formats, the part of the network they cross."""
    graph = network.view(_views(request), view)
    found = network.paths(graph, _node(request, source, view, settings.base), _node(request, target, view, settings.base),
                          max_length, network.parse_kinds(kinds))
    fmt = format or _accepted(request, NETWORK_TYPES[:-1])
    if fmt == "json":
        return JSONResponse(found, headers={"Vary": "Accept"})
    return _send(request, network.path_network(graph, found), fmt, "paths")


@router.get("/graph/stats", summary="Measures of a view: components, centralities, communities")
def get_stats(request: Request, view: ViewParam = "all",
              top: Annotated[int, Query(ge=1, le=100)] = 10) -> dict[str, Any]:
    """Size, edge kinds, connected components, the most central nodes and the communities of a view."""
    return network.measures(network.view(_views(request), view), top)


@router.get("/explore", summary="The network explorer: a node's connections, drawn, expandable and downloadable")
def explore(request: Request, settings: SettingsDep,
            node: Annotated[str, Query(description="The node to start from: an IRI, a path or a name.")] = "person/tahir-imin",
            depth: Annotated[int, Query(ge=0, le=network.MAX_DEPTH)] = 1) -> Response:
    """The explorer page, starting from a node."""
    iri = _node(request, node, "all", settings.base)
    graph = network.view(_views(request), "all")
    context = {"node": iri, "label": network.label(graph, iri), "depth": depth, "kinds": network.kinds_of(graph),
               "link": local_link(iri, settings.base), "drawing": vendor.installed("cytoscape")}
    return templates.TemplateResponse(request, "explore.html", context)
