"""Relationship networks built from the store with networkx: views, ego networks, explained paths, measures.

A view is an undirected networkx MultiGraph: a node per IRI (with its name and kind), an edge per
stated link (with its kind, the direction the source states it in, the event it goes through, and
every source graph stating it). The edges come from the SELECT queries in queries/network/, so
what counts as a tie is written in SPARQL, not here.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from functools import cache
from typing import Any, TypeAlias

import networkx as nx

from casegraph.errors import NotFound, UsageError
from casegraph.namespaces import local_name
from casegraph.paths import queries_dir
from casegraph.search import SearchIndex
from casegraph.store import CaseStore

Network: TypeAlias = "nx.MultiGraph[str]"
Nodes = dict[str, dict[str, str]]
MAX_DEPTH = 3
MAX_LENGTH = 6
MAX_PATHS = 50
# Things people can share, by class: two people linked to the same one are joined in the "shared" view.
SHARED = {"Court": "shared court", "DetentionFacility": "shared facility", "Charge": "shared charge",
          "LawArticle": "shared law article", "Trial": "shared trial", "Verdict": "shared verdict"}
VIEWS = {
    "people": "Ties between people: relationships, and who spoke about, reported on or made an allegation about whom.",
    "cases": "People with the courts, facilities, charges, law articles and organisations of their cases, and their sources.",
    "shared": "People joined by a court, facility, charge, law article, trial or verdict they share (a projection of cases).",
    "all": "The people and the cases views together.",
}


@cache
def _query(name: str) -> str:
    return (queries_dir() / "network" / f"{name}.rq").read_text(encoding="utf-8")


def build_views(store: CaseStore) -> dict[str, Network]:
    """Every view of the store, built afresh from its current contents."""
    nodes = _nodes(store)
    people = _edges(store, "people", nodes)
    cases = _edges(store, "cases", nodes)
    everything: Network = nx.MultiGraph(nx.compose(people, cases), view="all")
    return {"people": people, "cases": cases, "shared": _project(cases, nodes), "all": everything}


def _nodes(store: CaseStore) -> Nodes:
    """Name, kind and class of every named thing, by IRI."""
    labels: dict[str, set[str]] = defaultdict(set)
    broader: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_query("classes")):
        if row["kind"] is not None:
            labels[row["class"].value].add(row["kind"].value)
        else:
            broader[row["class"].value].add(row["broader"].value)
    types: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_query("types")):
        types[row["node"].value].add(row["class"].value)
    nodes: Nodes = {}
    for row in store.select(_query("nodes")):
        iri = row["node"].value
        classes = _most_specific(types.get(iri, set()), broader)
        kinds = [kind for c in classes for kind in labels.get(c, ())]
        named = [c for c in classes if c in labels]
        nodes[iri] = {"label": row["label"].value, "kind": min(kinds, default=""),
                      "class": local_name(min(named)) if named else ""}
    return nodes


def _most_specific(classes: set[str], broader: dict[str, set[str]]) -> set[str]:
    """The classes that no other of the classes is narrower than."""
    covered = {b for c in classes for b in broader.get(c, ())}
    return classes - covered


def _node(iri: str, nodes: Nodes) -> dict[str, str]:
    return nodes.get(iri, {"label": local_name(iri), "kind": "", "class": ""})


def _edges(store: CaseStore, view: str, nodes: Nodes) -> Network:
    """The view's edges, one per (ends, kind, via), with every source that states it."""
    stated: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for row in store.select(_query(view)):
        via = row["via"].value if row["via"] else ""
        stated[(row["from"].value, row["to"].value, row["kind"].value, via)].add(row["source"].value)
    graph: Network = nx.MultiGraph(view=view)
    for (start, end, kind, via), sources in sorted(stated.items()):
        name = _node(kind, nodes)["label"]
        through = nodes.get(via, {}).get("kind", "")
        _link(graph, nodes, start, end, kind=local_name(kind), label=f"{name} ({through})" if through else name,
              via=via, sources=sources)
    return graph


def _link(graph: Network, nodes: Nodes, start: str, end: str, *, kind: str, label: str, via: str, sources: set[str]) -> None:
    """Add an edge (and its ends) with what explains it: kind, label, direction, event and sources."""
    graph.add_node(start, **_node(start, nodes))
    graph.add_node(end, **_node(end, nodes))
    graph.add_edge(start, end, key=f"{kind} {start} {via}", kind=kind, label=label, subject=start, object=end, via=via,
                   via_label=_node(via, nodes)["label"] if via else "", sources=sorted(sources))


def _project(cases: Network, nodes: Nodes) -> Network:
    """People joined by each court, facility, charge, article, trial or verdict they are linked to."""
    members: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for _, _, data in cases.edges(data=True):
        for hub in (data["object"], data["via"]):
            if nodes.get(hub, {}).get("class") in SHARED:
                members[hub][data["subject"]].update(data["sources"])
    graph: Network = nx.MultiGraph(view="shared")
    for hub, people in sorted(members.items()):
        label = SHARED[nodes[hub]["class"]]
        for a, b in itertools.combinations(sorted(people), 2):
            _link(graph, nodes, a, b, kind=label.replace(" ", "-"), label=label, via=hub, sources=people[a] | people[b])
    return graph


def view(views: dict[str, Network], name: str) -> Network:
    """A view by name; NotFound naming the views there are."""
    if name not in views:
        raise NotFound(f"no view {name!r}; the views are {', '.join(views)}")
    return views[name]


def parse_kinds(text: str | None) -> list[str] | None:
    """Edge kinds from a comma-separated list; None (every kind) for none."""
    kinds = [k.strip() for k in (text or "").split(",") if k.strip()]
    return kinds or None


def kinds_of(graph: Network) -> list[str]:
    """The edge kinds present in a network."""
    return sorted({data["kind"] for _, _, data in graph.edges(data=True)})


def only(graph: Network, kinds: list[str] | None) -> Network:
    """The network with only edges of these kinds (all of them when none are given)."""
    if not kinds:
        return graph
    unknown = set(kinds) - set(kinds_of(graph))
    if unknown:
        raise UsageError(f"no edges of kind {', '.join(sorted(unknown))} in this view; it has {', '.join(kinds_of(graph))}")
    kept = [(a, b, k) for a, b, k, data in graph.edges(keys=True, data=True) if data["kind"] in kinds]
    return graph.edge_subgraph(kept)  # type: ignore[arg-type]  # a multigraph takes (u, v, key) triples


def ego(graph: Network, nodes: list[str], depth: int = 1, kinds: list[str] | None = None) -> Network:
    """Everything within `depth` links of any of the nodes, over edges of the given kinds."""
    if not 0 <= depth <= MAX_DEPTH:
        raise UsageError(f"depth must be between 0 and {MAX_DEPTH}, not {depth}")
    for node in nodes:
        _require(graph, node)
    filtered = only(graph, kinds)
    reached = set(nodes)
    for node in nodes:
        if node in filtered:
            reached.update(nx.single_source_shortest_path_length(filtered, node, cutoff=depth))
    result: Network = nx.MultiGraph(filtered.subgraph(reached & set(filtered)), **graph.graph)
    for node in nodes:  # a node with no edges of the kinds asked for is still shown, alone
        result.add_node(node, **graph.nodes[node])
    return result


def paths(graph: Network, source: str, target: str, max_length: int = 4,
          kinds: list[str] | None = None) -> dict[str, Any]:
    """The shortest paths and every simple path up to a length between two nodes, each hop explained."""
    if not 1 <= max_length <= MAX_LENGTH:
        raise UsageError(f"max_length must be between 1 and {MAX_LENGTH}, not {max_length}")
    _require(graph, source)
    _require(graph, target)
    filtered: nx.Graph[str] = nx.Graph(only(graph, kinds))
    if source not in filtered or target not in filtered or not nx.has_path(filtered, source, target):
        return {"source": source, "target": target, "connected": False, "shortest": [], "paths": []}
    shortest = list(itertools.islice(nx.all_shortest_paths(filtered, source, target), MAX_PATHS))
    simple = sorted(itertools.islice(nx.all_simple_paths(filtered, source, target, cutoff=max_length), MAX_PATHS),
                    key=lambda p: (len(p), p))
    return {"source": source, "target": target, "connected": True,
            "shortest": [_explain(graph, p) for p in shortest], "paths": [_explain(graph, p) for p in simple]}


def _explain(graph: Network, nodes: list[str]) -> list[dict[str, Any]]:
    """A path of nodes as hops, each with every link the sources state between its two ends."""
    return [{"from": a, "from_label": graph.nodes[a]["label"], "to": b, "to_label": graph.nodes[b]["label"],
             "links": sorted(graph.get_edge_data(a, b).values(), key=lambda d: (d["kind"], d["via"]))}
            for a, b in itertools.pairwise(nodes)]


def path_network(graph: Network, found: dict[str, Any]) -> Network:
    """The part of a network that the found paths go through."""
    edges = {(hop["from"], hop["to"]) for path in found["paths"] + found["shortest"] for hop in path}
    kept = [(a, b, k) for a, b, k in graph.edges(keys=True) if (a, b) in edges or (b, a) in edges]
    if not kept:
        return graph.subgraph([found["source"], found["target"]]).copy()
    return graph.edge_subgraph(kept).copy()  # type: ignore[arg-type]  # a multigraph takes (u, v, key) triples


def _require(graph: Network, node: str) -> None:
    if node not in graph:
        raise NotFound(f"{node} is not in the {graph.graph.get('view', '')} network")


def measures(graph: Network, top: int = 10) -> dict[str, Any]:
    """Size, components, the most central nodes by degree, betweenness and eigenvector, and communities."""
    simple: nx.Graph[str] = nx.Graph(graph)
    components = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    return {
        "view": graph.graph.get("view", ""),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "kinds": {kind: sum(1 for _, _, data in graph.edges(data=True) if data["kind"] == kind) for kind in kinds_of(graph)},
        "components": [_members(graph, c) for c in components],
        "degree": _ranked(graph, nx.degree_centrality(simple), top),
        "betweenness": _ranked(graph, nx.betweenness_centrality(simple), top),
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


def resolve(graph: Network, search: SearchIndex, text: str, base: str) -> str:
    """A node of the network from an IRI, a path under the base, or a name that finds exactly one node."""
    text = text.strip()
    for candidate in (text, base + text.lstrip("/")):
        if candidate in graph:
            return candidate
    if text.startswith(("http://", "https://")):
        raise NotFound(f"{text} is not in the {graph.graph.get('view', '')} network")
    hits = [hit for hit in search.search(text) if hit.iri in graph]
    exact = [hit for hit in hits if hit.name.casefold() == text.casefold()]
    if len(exact) == 1 or len(hits) == 1:
        return (exact or hits)[0].iri
    if not hits:
        raise NotFound(f"nothing named {text!r} is in the {graph.graph.get('view', '')} network")
    names = "; ".join(f"{hit.name} <{hit.iri}>" for hit in hits[:10])
    raise UsageError(f"{text!r} names {len(hits)} nodes; give one by its IRI: {names}")
