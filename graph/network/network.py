"""Relationship networks asked of the views: whole views, ego networks, explained paths, measures, and nodes by name.

A view (see build.py) holds a node per IRI (with its name and kind) and an edge per stated link
(with its kind, the direction the source states it in, the event it goes through, and every
source graph stating it). What a request returns is made into node-link data or a networkx
MultiGraph, so that networkx does the measuring and the writing out.
"""

from __future__ import annotations

import itertools
from typing import Any, TypeAlias

import networkx as nx
import numpy as np

from graph.errors import NotFound, TooLarge, UsageError
from graph.network.build import build_views
from graph.network.compact import UNREACHED, CompactView, Network, graph_of
from graph.search.textindex import SearchIndex

__all__ = ["Network", "View", "build_views"]

View: TypeAlias = CompactView
MAX_DEPTH = 3
MAX_LENGTH = 6
MAX_PATHS = 50
# The most edges made into one networkx graph for a request: about 1 KB each there, so some 250 MB at most.
MAX_EDGES = 250_000
# Above this many nodes, betweenness is estimated from a seeded sample of sources: exact, it is O(nodes * edges).
EXACT_BETWEENNESS_NODES = 2_000
BETWEENNESS_SAMPLE = 500
# Above this many nodes, a view's measures (eigenvector per component, Louvain) take minutes: refused, not run.
MAX_MEASURED_NODES = 50_000
VIEWS = {
    "people": "Ties between people: relationships, and who spoke about, reported on or made an allegation about whom.",
    "cases": "People with the courts, facilities, charges, law articles and organisations of their cases, and their sources.",
    "shared": "People joined by a court, facility, charge, law article, trial or verdict they share (a projection of cases).",
    "all": "The people and the cases views together.",
}


def _limit(edges: int, what: str, advice: str) -> None:
    if edges > MAX_EDGES:
        raise TooLarge(f"{what} has {edges:,} edges, more than the {MAX_EDGES:,} made into a network at once; {advice}")


def view(views: dict[str, View], name: str) -> View:
    """A view by name; NotFound naming the views there are."""
    if name not in views:
        raise NotFound(f"no view {name!r}; the views are {', '.join(views)}")
    return views[name]


def whole(graph: View) -> Network:
    """A whole view as a network; TooLarge for one too large to make at once."""
    _limit(graph.number_of_edges(), f"the whole {graph.name} view", "ask for an ego network or a path instead")
    return graph_of(graph.node_link(graph.all_edges()))


def label(graph: View, node: str) -> str:
    """The display name of a node of a view."""
    return graph.label(node)


def parse_kinds(text: str | None) -> list[str] | None:
    """Edge kinds from a comma-separated list; None (every kind) for none."""
    kinds = [k.strip() for k in (text or "").split(",") if k.strip()]
    return kinds or None


def kinds_of(graph: View) -> list[str]:
    """The edge kinds present in a view."""
    return graph.kinds()


def _check_kinds(graph: View, kinds: list[str] | None) -> None:
    unknown = set(kinds or ()) - set(graph.kinds())
    if unknown:
        raise UsageError(f"no edges of kind {', '.join(sorted(unknown))} in this view; it has {', '.join(graph.kinds())}")


def ego(graph: View, nodes: list[str], depth: int = 1, kinds: list[str] | None = None) -> Network:
    """Everything within `depth` links of any of the nodes, over edges of the given kinds."""
    return graph_of(ego_node_link(graph, nodes, depth, kinds))


def ego_node_link(graph: View, nodes: list[str], depth: int = 1, kinds: list[str] | None = None) -> dict[str, Any]:
    """The ego network as node-link data, made without a networkx graph (the explorer's request).

    ego() is this read into networkx. At 100,000 cases, an ego network of 5,203 edges took 85 ms
    to make as a networkx graph and write out, and 39 ms this way (docs/api.md, Networks). Only a
    node asked for can be alone: whatever else is reached is reached over an edge.
    """
    if not 0 <= depth <= MAX_DEPTH:
        raise UsageError(f"depth must be between 0 and {MAX_DEPTH}, not {depth}")
    for node in nodes:
        _require(graph, node)
    _check_kinds(graph, kinds)
    reached = np.flatnonzero(graph.reach(nodes, depth, kinds) != UNREACHED).astype(np.int32)
    between = graph.between(reached, kinds)
    _limit(between.count, "this ego network", "ask for less depth or fewer kinds")
    return graph.node_link(graph.made(between), alone=nodes)


def paths(graph: View, source: str, target: str, max_length: int = 4,
          kinds: list[str] | None = None) -> dict[str, Any]:
    """The shortest paths and every simple path up to a length between two nodes, each hop explained."""
    if not 1 <= max_length <= MAX_LENGTH:
        raise UsageError(f"max_length must be between 1 and {MAX_LENGTH}, not {max_length}")
    _require(graph, source)
    _require(graph, target)
    _check_kinds(graph, kinds)
    part, filtered = _around(graph, source, target, max_length, kinds)
    return explained_paths(part, filtered, source, target, max_length)


def explained_paths(part: Network, filtered: nx.Graph[str], source: str, target: str, max_length: int) -> dict[str, Any]:
    """The paths between two nodes over `filtered` (a simple graph of the edges to follow), each hop explained from `part`."""
    if source not in filtered or target not in filtered or not nx.has_path(filtered, source, target):
        return {"source": source, "target": target, "connected": False, "shortest": [], "paths": []}
    shortest = sorted(itertools.islice(nx.all_shortest_paths(filtered, source, target), MAX_PATHS))
    simple = sorted(itertools.islice(nx.all_simple_paths(filtered, source, target, cutoff=max_length), MAX_PATHS),
                    key=lambda p: (len(p), p))
    return {"source": source, "target": target, "connected": True,
            "shortest": [_explain(part, p) for p in shortest], "paths": [_explain(part, p) for p in simple]}


def _around(compact: View, source: str, target: str, max_length: int, kinds: list[str] | None) -> tuple[Network, nx.Graph[str]]:
    """The part of a view that paths between two nodes can cross, whole and of the kinds only.

    A node on a simple path of length at most L, or on a shortest path of length d, is at distances
    whose sum is at most max(L, d) from the two ends, so nothing farther is made.
    """
    depth = compact.number_of_nodes()  # no path is longer
    from_source = compact.reach([source], depth, kinds)
    target_number = compact.nodes.known(target)
    if from_source[target_number] == UNREACHED:
        return compact.among(compact.numbers({source, target})), nx.Graph()
    bound = max(max_length, int(from_source[target_number]))
    from_target = compact.reach([target], bound, kinds)
    both = (from_source != UNREACHED) & (from_target != UNREACHED)
    crossed = np.flatnonzero(both & (from_source + from_target <= bound)).astype(np.int32)
    between = compact.between(crossed, None)
    _limit(between.count, "the part of the view these paths cross", "ask for a shorter max_length")
    return graph_of(compact.node_link(compact.made(between))), nx.Graph(compact.among(crossed, kinds))


def _explain(graph: Network, nodes: list[str]) -> list[dict[str, Any]]:
    """A path of nodes as hops, each with every link the sources state between its two ends."""
    return [{"from": a, "from_label": graph.nodes[a]["label"], "to": b, "to_label": graph.nodes[b]["label"],
             "links": sorted(graph.get_edge_data(a, b).values(), key=lambda d: (d["kind"], d["via"]))}
            for a, b in itertools.pairwise(nodes)]


def path_network(graph: View, found: dict[str, Any]) -> Network:
    """The part of a view that the found paths go through."""
    crossed = {found["source"], found["target"]} | {hop[end] for path in found["paths"] + found["shortest"]
                                                    for hop in path for end in ("from", "to")}
    part = graph.among(graph.numbers(crossed))
    for end in (found["source"], found["target"]):  # shown even when no edge joins them
        part.add_node(end, **graph.nodes.about(end))
    return paths_part(part, found)


def paths_part(graph: Network, found: dict[str, Any]) -> Network:
    """The part of a network (holding both ends) that the found paths go through."""
    edges = {(hop["from"], hop["to"]) for path in found["paths"] + found["shortest"] for hop in path}
    on_paths = [(a, b, k) for a, b, k in graph.edges(keys=True) if (a, b) in edges or (b, a) in edges]
    if not on_paths:
        return graph.subgraph([found["source"], found["target"]]).copy()
    return graph.edge_subgraph(on_paths).copy()  # type: ignore[arg-type]  # a multigraph takes (u, v, key) triples


def _require(graph: View, node: str) -> None:
    if node not in graph:
        raise NotFound(f"{node} is not in the {graph.name} network")


def measures(view: View, top: int = 10) -> dict[str, Any]:
    """Size, components, the most central nodes by degree, betweenness and eigenvector, and communities.

    Betweenness is exact up to EXACT_BETWEENNESS_NODES nodes and estimated from a seeded sample of
    BETWEENNESS_SAMPLE source nodes above that; "betweenness_sample" says which (null when exact).
    """
    if view.number_of_nodes() > MAX_MEASURED_NODES:
        raise TooLarge(f"the {view.name} view has {view.number_of_nodes():,} nodes, more than the "
                       f"{MAX_MEASURED_NODES:,} measured at once; measure an ego network instead")
    graph = whole(view)
    simple: nx.Graph[str] = nx.Graph(graph)
    size = simple.number_of_nodes()
    sample = min(BETWEENNESS_SAMPLE, size) if size > EXACT_BETWEENNESS_NODES else None
    components = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    return {
        "view": view.name,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "kinds": {kind: sum(1 for _, _, data in graph.edges(data=True) if data["kind"] == kind) for kind in view.kinds()},
        "components": [_members(graph, c) for c in components],
        "degree": _ranked(graph, nx.degree_centrality(simple), top),
        "betweenness": _ranked(graph, nx.betweenness_centrality(simple, k=sample, seed=1 if sample else None), top),
        "betweenness_sample": sample,
        "eigenvector": _ranked(graph, _eigenvector(simple), top),
        "communities": [_members(graph, c) for c in
                        sorted(nx.community.louvain_communities(simple, seed=1), key=lambda c: (-len(c), min(c)))],
    }


def _eigenvector(graph: nx.Graph[str]) -> dict[str, float]:
    """Eigenvector centrality per connected component, so that small components are not scored zero."""
    scores: dict[str, float] = {}
    for component in nx.connected_components(graph):
        part = graph.subgraph(component)
        scores.update(nx.eigenvector_centrality(part, max_iter=1000) if len(part) > 2 else dict.fromkeys(part, 1.0))
    return scores


def _ranked(graph: Network, scores: dict[str, float], top: int) -> list[dict[str, Any]]:
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [{"node": n, "label": graph.nodes[n]["label"], "score": round(s, 6)} for n, s in best]


def _members(graph: Network, nodes: set[str]) -> dict[str, Any]:
    return {"size": len(nodes), "nodes": [{"node": n, "label": graph.nodes[n]["label"]} for n in sorted(nodes)]}


def resolve(graph: View, search: SearchIndex, text: str, base: str) -> str:
    """A node of the network from an IRI, a path under the base, or a name that finds exactly one node."""
    text = text.strip()
    for candidate in (text, base + text.lstrip("/")):
        if candidate in graph:
            return candidate
    if text.startswith(("http://", "https://")):
        raise NotFound(f"{text} is not in the {graph.name} network")
    hits = [hit for hit in search.search(text) if hit.iri in graph]
    exact = [hit for hit in hits if hit.name.casefold() == text.casefold()]
    if len(exact) == 1 or len(hits) == 1:
        return (exact or hits)[0].iri
    if not hits:
        raise NotFound(f"nothing named {text!r} is in the {graph.name} network")
    names = "; ".join(f"{hit.name} <{hit.iri}>" for hit in hits[:10])
    raise UsageError(f"{text!r} names {len(hits)} nodes; give one by its IRI: {names}")
