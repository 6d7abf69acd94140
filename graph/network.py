"""Relationship networks built from the store with networkx: views, ego networks, explained paths, measures.

A view is an undirected networkx MultiGraph: a node per IRI (with its name and kind), an edge per
stated link (with its kind, the direction the source states it in, the event it goes through, and
every source graph stating it). The edges come from the SELECT queries in queries/network/, so
what counts as a tie is written in SPARQL, not here.
"""

from __future__ import annotations

import itertools
import sys
import weakref
from collections import defaultdict
from functools import cache
from typing import Any, TypeAlias

import networkx as nx

from casegraph.errors import NotFound, TooLarge, UsageError
from casegraph.namespaces import local_name
from casegraph.paths import queries_dir
from casegraph.search import SearchIndex
from casegraph.store import CaseStore

Network: TypeAlias = "nx.MultiGraph[str]"
Nodes = dict[str, dict[str, str]]
MAX_DEPTH = 3
MAX_LENGTH = 6
MAX_PATHS = 50
# The most edges of the "shared" view built at once: it is quadratic in the people a court or article has.
MAX_SHARED_EDGES = 100_000
# Above this many nodes, betweenness is estimated from a seeded sample of sources: exact, it is O(nodes * edges).
EXACT_BETWEENNESS_NODES = 2_000
BETWEENNESS_SAMPLE = 500
# Above this many nodes, a view's measures (eigenvector per component, Louvain) take minutes: refused, not run.
MAX_MEASURED_NODES = 50_000
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


def build_views(store: CaseStore) -> dict[str, View]:
    """Every view of the store, built afresh from its current contents; "shared" is computed on demand."""
    nodes = _nodes(store)
    people = _edges(store, "people", nodes)
    cases = _edges(store, "cases", nodes)
    everything: Network = nx.MultiGraph(view="all")
    for part in (people, cases):  # as nx.compose would, without its intermediate copy
        everything.add_nodes_from(part.nodes(data=True))
        for start, end, key, data in part.edges(keys=True, data=True):
            everything.add_edge(start, end, key=key, **data)
    for built in (people, cases, everything):  # views do not change once built; a request need not scan their edges
        _KINDS[built] = sorted({data["kind"] for _, _, data in built.edges(data=True)})
    return {"people": people, "cases": cases, "shared": Projection(cases, nodes), "all": everything}


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
        # A handful of kinds and classes repeat over every node: one string each.
        nodes[iri] = {"label": row["label"].value, "kind": sys.intern(min(kinds, default="")),
                      "class": sys.intern(local_name(min(named))) if named else ""}
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
    # Every row brings its own copy of each IRI; one string per IRI keeps the view from holding thousands of each.
    same = {iri: iri for iri in nodes}
    for row in store.select(_query(view)):
        start, end, kind, via, source = (same.setdefault(term.value, term.value) if term else ""
                                         for term in (row["from"], row["to"], row["kind"], row["via"], row["source"]))
        stated[(start, end, kind, via)].add(source)
    graph: Network = nx.MultiGraph(view=view)
    # Labels and source lists repeat across most edges: one object each, not one per edge, saves memory.
    labels: dict[tuple[str, str], str] = {}
    lists: dict[frozenset[str], list[str]] = {}
    for (start, end, kind, via), sources in sorted(stated.items()):
        through = nodes.get(via, {}).get("kind", "")
        if (kind, through) not in labels:
            name = _node(kind, nodes)["label"]
            labels[kind, through] = f"{name} ({through})" if through else name
        listed = lists.setdefault(frozenset(sources), sorted(sources))
        _link(graph, nodes, start, end, kind=sys.intern(local_name(kind)), label=labels[kind, through], via=via, sources=listed)
    return graph


def _link(graph: Network, nodes: Nodes, start: str, end: str, *, kind: str, label: str, via: str, sources: list[str]) -> None:
    """Add an edge (and its ends) with what explains it: kind, label, direction, event and sources (sorted)."""
    graph.add_node(start, **_node(start, nodes))
    graph.add_node(end, **_node(end, nodes))
    graph.add_edge(start, end, key=f"{kind} {start} {via}", kind=kind, label=label, subject=start, object=end, via=via,
                   via_label=_node(via, nodes)["label"] if via else "", sources=sources)


def _project(cases: Network, nodes: Nodes) -> Network:
    """People joined by each court, facility, charge, article, trial or verdict they are linked to."""
    return Projection(cases, nodes).whole()


class Projection:
    """The "shared" view, kept as who is linked to each hub; its edges are made only for what is asked."""

    def __init__(self, cases: Network, nodes: Nodes) -> None:
        members: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for _, _, data in cases.edges(data=True):
            for hub in (data["object"], data["via"]):
                if nodes.get(hub, {}).get("class") in SHARED:
                    members[hub][data["subject"]].update(data["sources"])
        # A hub with one person joins no one, and a person only in such hubs is not in the view.
        self.members = {hub: dict(people) for hub, people in members.items() if len(people) > 1}
        self.hubs: dict[str, list[str]] = defaultdict(list)
        for hub in sorted(self.members):
            for person in self.members[hub]:
                self.hubs[person].append(hub)
        self.kind = {hub: SHARED[nodes[hub]["class"]].replace(" ", "-") for hub in self.members}
        self.label = {hub: SHARED[nodes[hub]["class"]] for hub in self.members}
        self.node_data = nodes
        self.graph = {"view": "shared"}

    def __contains__(self, node: object) -> bool:
        return node in self.hubs

    def number_of_nodes(self) -> int:
        """How many people share something with someone."""
        return len(self.hubs)

    def number_of_edges(self, kinds: list[str] | None = None) -> int:
        """How many edges the view has (of the given kinds), without making them."""
        return sum(_pairs(len(people)) for hub, people in self.members.items() if not kinds or self.kind[hub] in kinds)

    def kinds(self) -> list[str]:
        """The edge kinds of the view."""
        return sorted(set(self.kind.values()))

    def whole(self) -> Network:
        """The whole view as a network; TooLarge when it has more than MAX_SHARED_EDGES edges."""
        _limit(self.number_of_edges(), "the whole shared view", "ask for an ego network or a path instead")
        return self.among(set(self.hubs))

    def among(self, people: set[str], kinds: list[str] | None = None) -> Network:
        """The view's part between these people: each of them, and every edge (of the kinds) joining two of them."""
        graph: Network = nx.MultiGraph(view="shared")
        hubs = sorted({hub for person in people for hub in self.hubs.get(person, ()) if not kinds or self.kind[hub] in kinds})
        for hub in hubs:
            joined = {person: sources for person, sources in self.members[hub].items() if person in people}
            for a, b in itertools.combinations(sorted(joined), 2):
                _link(graph, self.node_data, a, b, kind=self.kind[hub], label=self.label[hub], via=hub,
                      sources=sorted(joined[a] | joined[b]))
        return graph

    def reach(self, starts: list[str], depth: int, kinds: list[str] | None) -> dict[str, int]:
        """Every person within `depth` links of the starts over hubs of the kinds, with their distance."""
        reached = {start: 0 for start in starts}
        frontier, seen = list(starts), set()
        for distance in range(1, depth + 1):
            if not frontier:
                break
            ahead = []
            for person in frontier:
                for hub in self.hubs.get(person, ()):
                    if hub in seen or (kinds and self.kind[hub] not in kinds):
                        continue
                    seen.add(hub)
                    for other in self.members[hub]:
                        if other not in reached:
                            reached[other] = distance
                            ahead.append(other)
            frontier = ahead
        return reached

    def edges_among(self, people: set[str], kinds: list[str] | None) -> int:
        """How many edges among() would make, without making them."""
        hubs = {hub for person in people for hub in self.hubs.get(person, ()) if not kinds or self.kind[hub] in kinds}
        return sum(_pairs(sum(1 for person in self.members[hub] if person in people)) for hub in hubs)


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def _limit(edges: int, what: str, advice: str) -> None:
    if edges > MAX_SHARED_EDGES:
        raise TooLarge(f"{what} has {edges:,} edges, more than the {MAX_SHARED_EDGES:,} the shared view makes at once; {advice}")


View: TypeAlias = "Network | Projection"
_KINDS: weakref.WeakKeyDictionary[Network, list[str]] = weakref.WeakKeyDictionary()


def view(views: dict[str, View], name: str) -> View:
    """A view by name; NotFound naming the views there are."""
    if name not in views:
        raise NotFound(f"no view {name!r}; the views are {', '.join(views)}")
    return views[name]


def whole(graph: View) -> Network:
    """A whole view as a network; TooLarge for a shared view too large to make at once."""
    return graph.whole() if isinstance(graph, Projection) else graph


def parse_kinds(text: str | None) -> list[str] | None:
    """Edge kinds from a comma-separated list; None (every kind) for none."""
    kinds = [k.strip() for k in (text or "").split(",") if k.strip()]
    return kinds or None


def kinds_of(graph: View) -> list[str]:
    """The edge kinds present in a network."""
    if isinstance(graph, Projection):
        return graph.kinds()
    known = _KINDS.get(graph)
    return list(known) if known is not None else sorted({data["kind"] for _, _, data in graph.edges(data=True)})


def _check_kinds(graph: View, kinds: list[str] | None) -> None:
    unknown = set(kinds or ()) - set(kinds_of(graph))
    if unknown:
        raise UsageError(f"no edges of kind {', '.join(sorted(unknown))} in this view; it has {', '.join(kinds_of(graph))}")


def _kinds_view(graph: Network, kinds: list[str] | None) -> Network:
    """The network seen through edges of these kinds only, filtered as it is walked rather than copied."""
    if not kinds:
        return graph
    _check_kinds(graph, kinds)
    wanted = set(kinds)
    return nx.subgraph_view(graph, filter_edge=lambda a, b, key: graph.edges[a, b, key]["kind"] in wanted)


def only(graph: Network, kinds: list[str] | None) -> Network:
    """The network with only edges of these kinds (all of them when none are given)."""
    if not kinds:
        return graph
    _check_kinds(graph, kinds)
    kept = [(a, b, k) for a, b, k, data in graph.edges(keys=True, data=True) if data["kind"] in kinds]
    return graph.edge_subgraph(kept)  # type: ignore[arg-type]  # a multigraph takes (u, v, key) triples


def ego(graph: View, nodes: list[str], depth: int = 1, kinds: list[str] | None = None) -> Network:
    """Everything within `depth` links of any of the nodes, over edges of the given kinds."""
    if not 0 <= depth <= MAX_DEPTH:
        raise UsageError(f"depth must be between 0 and {MAX_DEPTH}, not {depth}")
    for node in nodes:
        _require(graph, node)
    if isinstance(graph, Projection):
        return _shared_ego(graph, nodes, depth, kinds)
    filtered = _kinds_view(graph, kinds)
    reached = set(nodes)
    for node in nodes:
        reached.update(nx.single_source_shortest_path_length(filtered, node, cutoff=depth))
    result: Network = nx.MultiGraph(filtered.subgraph(reached), **graph.graph)
    for node in nodes:  # a node with no edges of the kinds asked for is still shown, alone
        result.add_node(node, **graph.nodes[node])
    return result


def _shared_ego(shared: Projection, nodes: list[str], depth: int, kinds: list[str] | None) -> Network:
    """An ego network of the shared view, made from the hubs around the nodes rather than from the whole view."""
    _check_kinds(shared, kinds)
    reached = set(shared.reach(nodes, depth, kinds))
    _limit(shared.edges_among(reached, kinds), "this ego network", "ask for less depth or fewer kinds")
    result = shared.among(reached, kinds)
    for node in sorted(reached - set(result)):  # the nodes asked for, alone when they have no edges of the kinds
        result.add_node(node, **_node(node, shared.node_data))
    return result


def paths(graph: View, source: str, target: str, max_length: int = 4,
          kinds: list[str] | None = None) -> dict[str, Any]:
    """The shortest paths and every simple path up to a length between two nodes, each hop explained."""
    if not 1 <= max_length <= MAX_LENGTH:
        raise UsageError(f"max_length must be between 1 and {MAX_LENGTH}, not {max_length}")
    _require(graph, source)
    _require(graph, target)
    if isinstance(graph, Projection):
        graph, filtered = _shared_around(graph, source, target, max_length, kinds)
    else:
        filtered = nx.Graph(only(graph, kinds))
    if source not in filtered or target not in filtered or not nx.has_path(filtered, source, target):
        return {"source": source, "target": target, "connected": False, "shortest": [], "paths": []}
    shortest = list(itertools.islice(nx.all_shortest_paths(filtered, source, target), MAX_PATHS))
    simple = sorted(itertools.islice(nx.all_simple_paths(filtered, source, target, cutoff=max_length), MAX_PATHS),
                    key=lambda p: (len(p), p))
    return {"source": source, "target": target, "connected": True,
            "shortest": [_explain(graph, p) for p in shortest], "paths": [_explain(graph, p) for p in simple]}


def _shared_around(shared: Projection, source: str, target: str, max_length: int,
                   kinds: list[str] | None) -> tuple[Network, nx.Graph[str]]:
    """The part of the shared view that paths between two people can cross, whole and of the kinds only.

    A node on a simple path of length at most L, or on a shortest path of length d, is at distances
    whose sum is at most max(L, d) from the two ends, so nothing farther is made.
    """
    _check_kinds(shared, kinds)
    depth = shared.number_of_nodes()  # no path is longer
    from_source = shared.reach([source], depth, kinds)
    if target not in from_source:
        return shared.among({source, target}), nx.Graph()
    from_target = shared.reach([target], depth, kinds)
    bound = max(max_length, from_source[target])
    people = {p for p, d in from_source.items() if d + from_target.get(p, bound + 1) <= bound}
    _limit(shared.edges_among(people, None), "the part of the shared view these paths cross", "ask for a shorter max_length")
    return shared.among(people), nx.Graph(shared.among(people, kinds))


def _explain(graph: Network, nodes: list[str]) -> list[dict[str, Any]]:
    """A path of nodes as hops, each with every link the sources state between its two ends."""
    return [{"from": a, "from_label": graph.nodes[a]["label"], "to": b, "to_label": graph.nodes[b]["label"],
             "links": sorted(graph.get_edge_data(a, b).values(), key=lambda d: (d["kind"], d["via"]))}
            for a, b in itertools.pairwise(nodes)]


def path_network(graph: View, found: dict[str, Any]) -> Network:
    """The part of a network that the found paths go through."""
    if isinstance(graph, Projection):
        crossed = {found["source"], found["target"]} | {hop[end] for path in found["paths"] + found["shortest"]
                                                        for hop in path for end in ("from", "to")}
        graph = graph.among(crossed)
    edges = {(hop["from"], hop["to"]) for path in found["paths"] + found["shortest"] for hop in path}
    kept = [(a, b, k) for a, b, k in graph.edges(keys=True) if (a, b) in edges or (b, a) in edges]
    if not kept:
        return graph.subgraph([found["source"], found["target"]]).copy()
    return graph.edge_subgraph(kept).copy()  # type: ignore[arg-type]  # a multigraph takes (u, v, key) triples


def _require(graph: View, node: str) -> None:
    if node not in graph:
        raise NotFound(f"{node} is not in the {graph.graph.get('view', '')} network")


def measures(view: View, top: int = 10) -> dict[str, Any]:
    """Size, components, the most central nodes by degree, betweenness and eigenvector, and communities.

    Betweenness is exact up to EXACT_BETWEENNESS_NODES nodes and estimated from a seeded sample of
    BETWEENNESS_SAMPLE source nodes above that; "betweenness_sample" says which (null when exact).
    """
    if view.number_of_nodes() > MAX_MEASURED_NODES:
        raise TooLarge(f"the {view.graph.get('view', '')} view has {view.number_of_nodes():,} nodes, more than the "
                       f"{MAX_MEASURED_NODES:,} measured at once; measure an ego network instead")
    graph = whole(view)
    simple: nx.Graph[str] = nx.Graph(graph)
    size = simple.number_of_nodes()
    sample = min(BETWEENNESS_SAMPLE, size) if size > EXACT_BETWEENNESS_NODES else None
    components = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    return {
        "view": graph.graph.get("view", ""),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "kinds": {kind: sum(1 for _, _, data in graph.edges(data=True) if data["kind"] == kind) for kind in kinds_of(graph)},
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
        raise NotFound(f"{text} is not in the {graph.graph.get('view', '')} network")
    hits = [hit for hit in search.search(text) if hit.iri in graph]
    exact = [hit for hit in hits if hit.name.casefold() == text.casefold()]
    if len(exact) == 1 or len(hits) == 1:
        return (exact or hits)[0].iri
    if not hits:
        raise NotFound(f"nothing named {text!r} is in the {graph.graph.get('view', '')} network")
    names = "; ".join(f"{hit.name} <{hit.iri}>" for hit in hits[:10])
    raise UsageError(f"{text!r} names {len(hits)} nodes; give one by its IRI: {names}")
