"""The `casegraph graph` commands: ego networks, explained paths and measures of the relationship networks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from graph.cli.console import StoreOption, err, out, settings_for, tell, user_errors
from graph.editions.index import read_index
from graph.editions.served import served_edition
from graph.errors import UsageError
from graph.network import formats as netformats
from graph.network import network
from graph.network.network import Network, View
from graph.search.textindex import SearchIndex
from graph.settings import Settings

graph_app = typer.Typer(help="Relationship networks: ego networks, explained paths and measures.", no_args_is_help=True)
ViewOption = Annotated[str, typer.Option(help="people, cases, shared or all.")]
KindsOption = Annotated[str | None, typer.Option(help="Comma-separated edge kinds to follow, e.g. businessPartner,court.")]
NetFormatOption = Annotated[str, typer.Option("--format", "-f", help="json, cytoscape, graphml, gexf or png.")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="File to write [default: standard output].")]


def _network(settings: Settings, view: str) -> tuple[View, SearchIndex]:
    """One view of the store, and the search index that names its nodes, from the store's index files (made when needed)."""
    edition = served_edition(settings)
    tell(edition, settings)
    search, views = read_index(edition.directory, settings.base)
    return network.view(views, view), search


def _write_network(graph: Network, fmt: str, output: Path | None) -> None:
    data = netformats.write(graph, fmt)
    if output is None:
        if fmt == "png":
            raise UsageError("a PNG goes to a file: add --output FILE.png")
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.flush()
        return
    output.write_bytes(data)
    err.print(f"[green]✓[/] wrote {output} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} links)")


@graph_app.command("ego")
def graph_ego(
    node: Annotated[str, typer.Argument(help="An IRI, a path such as person/tahir-imin, or a name that finds one node.")],
    depth: Annotated[int, typer.Option(help="How many links out.")] = 1,
    kinds: KindsOption = None, view: ViewOption = "all", fmt: NetFormatOption = "json",
    output: OutputOption = None, store: StoreOption = None,
) -> None:
    """The ego network of a node: everything within DEPTH links."""
    settings = settings_for(store)
    with user_errors():
        graph, search = _network(settings, view)
        iri = network.resolve(graph, search, node, settings.base)
        _write_network(network.ego(graph, [iri], depth, network.parse_kinds(kinds)), fmt, output)


@graph_app.command("path")
def graph_path(
    source: Annotated[str, typer.Argument(help="Where the paths start: an IRI, a path or a name.")],
    target: Annotated[str, typer.Argument(help="Where the paths end: an IRI, a path or a name.")],
    max_length: Annotated[int, typer.Option(help="Longest path to list, in links.")] = 4,
    kinds: KindsOption = None, view: ViewOption = "all",
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json, cytoscape, graphml, gexf or png.")] = "text",
    output: OutputOption = None, store: StoreOption = None,
) -> None:
    """How two nodes are connected: the shortest paths and every path up to MAX_LENGTH, each link with its source."""
    settings = settings_for(store)
    with user_errors():
        graph, search = _network(settings, view)
        start, end = (network.resolve(graph, search, text, settings.base) for text in (source, target))
        found = network.paths(graph, start, end, max_length, network.parse_kinds(kinds))
        if fmt == "json":
            out.print_json(data=found)
        elif fmt == "text":
            _print_paths(found, settings.base)
        else:
            _write_network(network.path_network(graph, found), fmt, output)


def _print_paths(found: dict[str, Any], base: str) -> None:
    if not found["connected"]:
        out.print("not connected: no path links them in this view", highlight=False, markup=False, soft_wrap=True)
        return
    for number, path in enumerate(found["paths"], 1):
        out.print(f"path {number} ({len(path)} links)", highlight=False, markup=False, soft_wrap=True)
        for hop in path:
            out.print(f"  {hop['from_label']} — {hop['to_label']}", highlight=False, markup=False, soft_wrap=True)
            for link in hop["links"]:
                sources = ", ".join(s.removeprefix(base) for s in link["sources"])
                via = f" through {link['via_label']}" if link["via_label"] else ""
                out.print(f"      {link['label']}{via} [{sources}]", highlight=False, markup=False, soft_wrap=True)


@graph_app.command("stats")
def graph_stats(view: ViewOption = "all", top: Annotated[int, typer.Option(help="How many of the most central nodes.")] = 10,
                store: StoreOption = None) -> None:
    """Measures of a view: size, components, degree, betweenness and eigenvector centrality, communities."""
    settings = settings_for(store)
    with user_errors():
        out.print_json(data=network.measures(_network(settings, view)[0], top))
