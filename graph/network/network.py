"""Relationship networks built from the store: views, ego networks, explained paths, measures.

A view holds a node per IRI (with its name and kind) and an edge per stated link (with its kind,
the direction the source states it in, the event it goes through, and every source graph stating
it). The edges come from the SELECT queries in queries/network/, so what counts as a tie is
written in SPARQL, not here. Views are kept compact (a few integers per edge, see Links); what a
request returns is made into a networkx MultiGraph, so that networkx does the measuring and the
writing out.
"""

from __future__ import annotations

import copy
import itertools
import sys
from abc import ABC, abstractmethod
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from functools import cache
from typing import Any, TypeAlias, cast

import networkx as nx

from graph.errors import NotFound, TooLarge, UsageError
from graph.namespaces import local_name
from graph.paths import queries_dir
from graph.search.packed import Coded, Lookup, Packed
from graph.search.textindex import SearchIndex
from graph.store.store import CaseStore

Network: TypeAlias = "nx.MultiGraph[str]"
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
# Things people can share, by class: two people linked to the same one are joined in the "shared" view.
SHARED = {"Court": "shared court", "DetentionFacility": "shared facility", "Charge": "shared charge",
          "LawArticle": "shared law article", "Trial": "shared trial", "Verdict": "shared verdict"}
VIEWS = {
    "people": "Ties between people: relationships, and who spoke about, reported on or made an allegation about whom.",
    "cases": "People with the courts, facilities, charges, law articles and organisations of their cases, and their sources.",
    "shared": "People joined by a court, facility, charge, law article, trial or verdict they share (a projection of cases).",
    "all": "The people and the cases views together.",
}
NO_VIA = -1


@cache
def _query(name: str) -> str:
    return (queries_dir() / "network" / f"{name}.rq").read_text(encoding="utf-8")


class Terms:
    """The strings every view shares, each held once and referred to by its number: nodes, edge kinds and labels, source lists.

    Nodes are numbered through a dictionary while the views are read; sealed, through a Lookup of
    their packed IRIs, which is what is kept (a Python string and a dictionary entry for each of
    1.5 million nodes took 222 MB at 100,000 cases).
    """

    def __init__(self) -> None:
        self.iris = Packed()
        self._numbers: dict[str, int] | None = {}
        self._lookup: Lookup | None = None
        self.labels = Packed()
        self.kinds, self.classes = Coded(), Coded()
        self.words: list[str] = []  # edge kinds and edge labels
        self._word_index: dict[str, int] = {}
        # Each list of sources: the numbers of its graphs, sorted by IRI, end to end.
        self._list_items, self._list_ends = array("i"), array("q")
        self._list_index: dict[frozenset[int], int] = {}

    def node(self, iri: str, label: str | None = None, kind: str = "", klass: str = "") -> int:
        """The number of a node, added (named by its local name unless a label is given) when new."""
        found = self.number(iri)
        if found is not None:
            return found
        if self._numbers is None:
            raise RuntimeError(f"no node can be added to sealed terms: {iri}")
        self._numbers[iri] = len(self.iris)
        self.iris.append(iri)
        self.labels.append(local_name(iri) if label is None else label)
        self.kinds.append(kind)
        self.classes.append(klass)
        return len(self.iris) - 1

    def number(self, iri: str) -> int | None:
        """The number of a node, or None."""
        return self._numbers.get(iri) if self._numbers is not None else self._lookup.get(iri) if self._lookup else None

    def known(self, iri: str) -> int:
        """The number of a node that must be there."""
        number = self.number(iri)
        if number is None:
            raise KeyError(iri)
        return number

    def about(self, iri: str) -> dict[str, str]:
        """A node's attributes as a network shows them; a node never named is shown by its local name."""
        number = self.number(iri)
        return {"label": local_name(iri), "kind": "", "class": ""} if number is None else self.described(number)

    def described(self, number: int) -> dict[str, str]:
        """The attributes of a node by its number."""
        return {"label": self.labels[number], "kind": self.kinds[number], "class": self.classes[number]}

    def word(self, text: str) -> int:
        """The number of an edge kind or label."""
        found = self._word_index.get(text)
        if found is None:
            found = self._word_index[text] = len(self.words)
            self.words.append(sys.intern(text))
        return found

    def known_word(self, text: str) -> int | None:
        """The number of an edge kind or label already held, or None."""
        return self._word_index.get(text)

    def sources(self, numbers: frozenset[int]) -> int:
        """The number of a set of source graphs, kept once as a list sorted by IRI."""
        found = self._list_index.get(numbers)
        if found is None:
            found = self._list_index[numbers] = len(self._list_ends)
            self._list_items.extend(sorted(numbers, key=self.iris.__getitem__))
            self._list_ends.append(len(self._list_items))
        return found

    def source_graphs(self, number: int) -> array[int]:
        """The node numbers of a list of sources, sorted by IRI."""
        return self._list_items[self._list_ends[number - 1] if number else 0:self._list_ends[number]]

    def source_list(self, number: int) -> list[str]:
        """The IRIs of a list of sources, sorted."""
        return [self.iris[graph] for graph in self.source_graphs(number)]

    def seal(self) -> None:
        """Number nodes through a Lookup instead of a dictionary, and forget the index of the source lists.

        Both dictionaries are needed only while the views are read (the second took 69 MB at
        100,000 cases). A list of sources added after it is kept again, under a new number.
        """
        self._lookup, self._numbers, self._list_index = Lookup(self.iris), None, {}


def build_views(store: CaseStore) -> dict[str, View]:
    """Every view of the store, built afresh from its current contents; "shared" is computed on demand."""
    terms = _nodes(store)
    ties, case_links = _links(store, "people", terms), _links(store, "cases", terms)
    everything = Links("all", terms, [ties, case_links])
    people, cases = everything.part("people", ties.kinds), everything.part("cases", case_links.kinds)
    shared = Projection(cases)
    terms.seal()
    return {"people": people, "cases": cases, "shared": shared, "all": everything}


def _nodes(store: CaseStore) -> Terms:
    """Name, kind and class of every named thing, numbered in the order of their IRIs."""
    labels: dict[str, set[str]] = defaultdict(set)
    broader: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_query("classes")):
        if row["kind"] is not None:
            labels[row["class"].value].add(row["kind"].value)
        else:
            broader[row["class"].value].add(row["broader"].value)
    # A node's class, and a set only for the few with several: a set is 216 bytes, for each of 1.5 million nodes at 100,000 cases.
    types: dict[str, str] = {}
    several: dict[str, set[str]] = defaultdict(set)
    for row in store.select(_query("types")):
        node, klass = row["node"].value, sys.intern(row["class"].value)
        if types.setdefault(node, klass) != klass:
            several[node].update((klass, types[node]))
    terms = Terms()
    for iri, label in sorted((row["node"].value, row["label"].value) for row in store.select(_query("nodes"))):
        classes = _most_specific(several[iri] if iri in several else {types[iri]} if iri in types else set(), broader)
        kinds = [kind for c in classes for kind in labels.get(c, ())]
        named = [c for c in classes if c in labels]
        # A handful of kinds and classes repeat over every node: one string each.
        terms.node(iri, label, sys.intern(min(kinds, default="")), sys.intern(local_name(min(named))) if named else "")
    return terms


def _most_specific(classes: set[str], broader: dict[str, set[str]]) -> set[str]:
    """The classes that no other of the classes is narrower than."""
    covered = {b for c in classes for b in broader.get(c, ())}
    return classes - covered


def _links(store: CaseStore, view: str, terms: Terms) -> Columns:
    """The view's edges, one per (ends, kind, via), with every source that states it."""
    first: dict[tuple[int, int, int, int], int] = {}
    more: dict[tuple[int, int, int, int], set[int]] = defaultdict(set)  # most edges have one source: sets only for the rest
    for row in store.select(_query(view)):
        via = terms.node(row["via"].value) if row["via"] else NO_VIA
        key = (terms.node(row["from"].value), terms.node(row["to"].value), terms.node(row["kind"].value), via)
        source = terms.node(row["source"].value)
        if first.setdefault(key, source) != source:
            more[key].add(source)
    edges = Columns()
    for key, source in first.items():
        start, end, kind, via = key
        through = terms.kinds[via] if via != NO_VIA else ""
        name = terms.labels[kind]
        edges.append(start, end, terms.word(local_name(terms.iris[kind])), terms.word(f"{name} ({through})" if through else name),
                     via, terms.sources(frozenset(more.get(key, set()) | {source})))
    return edges


class Columns:
    """Edges as columns of integers, each a number in Terms: ends, kind, label, event gone through and sources."""

    __slots__ = ("starts", "ends", "kinds", "labels", "vias", "sources")
    starts: array[int]
    ends: array[int]
    kinds: array[int]
    labels: array[int]
    vias: array[int]
    sources: array[int]

    def __init__(self) -> None:
        for name in self.__slots__:
            setattr(self, name, array("i"))

    def append(self, *values: int) -> None:
        """Add one edge: start, end, kind, label, via (NO_VIA for none) and sources."""
        for name, value in zip(self.__slots__, values, strict=True):
            getattr(self, name).append(value)

    def extend(self, other: Columns) -> None:
        """Add every edge of another set of columns."""
        for name in self.__slots__:
            getattr(self, name).extend(getattr(other, name))

    def __len__(self) -> int:
        return len(self.starts)


class _Compact(ABC):
    """What the compact views share: their questions asked with IRIs, answered with node numbers."""

    terms: Terms
    graph: dict[str, str]

    @abstractmethod
    def _reach(self, starts: list[int], depth: int, kinds: list[str] | None) -> dict[int, int]:
        """Every node within `depth` links of the starts over edges of the kinds, with its distance."""

    @abstractmethod
    def _count_between(self, numbers: set[int], kinds: list[str] | None) -> int:
        """How many edges (of the kinds) join two of the nodes."""

    @abstractmethod
    def _edges(self, numbers: set[int], kinds: list[str] | None, limit: tuple[str, str] | None = None) -> list[_Edge]:
        """The edges (of the kinds) joining two of the nodes, in order; TooLarge past MAX_EDGES when a limit is named."""

    def _made(self, edges: list[_Edge]) -> Network:
        """A networkx MultiGraph of these edges."""
        return _graph_of(self._node_link(edges))

    def _node_link(self, edges: list[_Edge], alone: Iterable[str] = ()) -> dict[str, Any]:
        """Node-link data of these edges (and of the nodes alone given), each edge from its subject to its object.

        Each edge is written with its ends, kind, label, the event gone through (with its label) and
        sources, and a key among the edges between its ends.
        """
        nodes: dict[str, dict[str, Any]] = {}
        described, labels, links = self.terms.described, self.terms.labels, []
        for (start_number, start), (end_number, end), (via_number, via), kind, label, sources in edges:  # unpacked: 2x faster
            if start not in nodes:
                nodes[start] = {**described(start_number), "id": start}
            if end not in nodes:
                nodes[end] = {**described(end_number), "id": end}
            links.append({"kind": kind, "label": label, "subject": start, "object": end, "via": via,
                          "via_label": labels[via_number] if via_number != NO_VIA else "", "sources": sources,
                          "source": start, "target": end, "key": f"{kind} {start} {via}"})
        for node in sorted(set(alone) - set(nodes)):
            nodes[node] = {**self.terms.about(node), "id": node}
        return {"directed": False, "multigraph": True, "graph": dict(self.graph), "nodes": list(nodes.values()), "edges": links}

    def _numbers(self, nodes: Iterable[str]) -> set[int]:
        return {number for node in nodes if (number := self.terms.number(node)) is not None}

    def reach(self, starts: list[str], depth: int, kinds: list[str] | None) -> dict[str, int]:
        """Every node within `depth` links of the starts over edges of the kinds, with its distance."""
        reached = self._reach([self.terms.known(start) for start in starts], depth, kinds)
        return {self.terms.iris[node]: distance for node, distance in reached.items()}

    def edges_among(self, nodes: set[str], kinds: list[str] | None) -> int:
        """How many edges among() would make, without making them."""
        return self._count_between(self._numbers(nodes), kinds)

    def among(self, nodes: set[str], kinds: list[str] | None = None) -> Network:
        """The view's part between these nodes: every edge (of the kinds) joining two of them, with its ends."""
        return self._made(self._edges(self._numbers(nodes), kinds))

    def ego(self, starts: list[str], depth: int, kinds: list[str] | None) -> Network:
        """The edges (of the kinds) among everything within `depth` links of the starts, and the starts."""
        return _graph_of(self.ego_node_link(starts, depth, kinds))

    def ego_node_link(self, starts: list[str], depth: int, kinds: list[str] | None) -> dict[str, Any]:
        """The ego network as node-link data, made without a networkx graph (the explorer's request).

        ego() is this read into networkx. At 100,000 cases, an ego network of 5,203 edges took 85 ms
        to make as a networkx graph and write out, and 39 ms this way (docs/api.md, Networks). Only a
        node asked for can be alone: whatever else is reached is reached over an edge.
        """
        return self._node_link(self._ego_edges(starts, depth, kinds), alone=starts)

    def _ego_edges(self, starts: list[str], depth: int, kinds: list[str] | None) -> list[_Edge]:
        reached = set(self._reach([self.terms.known(start) for start in starts], depth, kinds))
        return self._edges(reached, kinds, ("this ego network", "ask for less depth or fewer kinds"))

    def label(self, node: str) -> str:
        """A node's display name."""
        return self.terms.about(node)["label"]


class Links(_Compact):
    """A view kept compact: an edge is six integers and a node the numbers of its edges (compressed rows).

    At 10,000 cases the views take 163 MB this way against 434 MB as networkx MultiGraphs, and a
    depth-2 ego network in "all" 5 ms against 9 (docs/api.md, Networks). A part of a view (see part())
    shares its columns and rows, and keeps only its edge kinds.
    """

    _only: frozenset[int] | None = None  # the edge kinds of a part; None for the whole
    _member: bytearray | None = None  # for a part, 1 for each node with an edge of its kinds

    def __init__(self, name: str, terms: Terms, parts: list[Columns]) -> None:
        self.graph = {"view": name}
        self.terms = terms
        self.edges = Columns()
        for part in parts:  # the views' kinds are disjoint, so no edge comes twice
            self.edges.extend(part)
        counts = array("i", bytes(4 * (len(terms.iris) + 1)))
        for column in (self.edges.starts, self.edges.ends):
            for node in column:
                counts[node + 1] += 1
        self.offsets = array("i", itertools.accumulate(counts))
        self.incident = array("i", bytes(4 * self.offsets[-1]))
        cursor = array("i", self.offsets)
        for edge, ends in enumerate(zip(self.edges.starts, self.edges.ends, strict=True)):
            for node in ends:
                self.incident[cursor[node]] = edge
                cursor[node] += 1
        self._nodes, self._size = sum(1 for count in counts if count), len(self.edges)
        self._kinds = sorted({terms.words[kind] for kind in set(self.edges.kinds)})

    def part(self, name: str, kinds: Iterable[int]) -> Links:
        """The view of only some of the edge kinds, sharing these columns and rows.

        The people and cases views are the parts of all: made whole each, they took 73 MB more at
        100,000 cases.
        """
        part = copy.copy(self)
        part.graph, part._only, part._member = {"view": name}, frozenset(kinds), bytearray(len(self.offsets))
        columns, part._size = self.edges, 0
        for edge, kind in enumerate(columns.kinds):
            if kind in part._only:
                part._member[columns.starts[edge]] = part._member[columns.ends[edge]] = 1
                part._size += 1
        part._nodes = sum(part._member)
        part._kinds = sorted(self.terms.words[kind] for kind in part._only)
        return part

    def __contains__(self, node: object) -> bool:
        number = self.terms.number(node) if isinstance(node, str) else None
        if number is None or not self._degree(number):
            return False
        return self._member is None or bool(self._member[number])

    def _degree(self, number: int) -> int:
        return self.offsets[number + 1] - self.offsets[number] if number + 1 < len(self.offsets) else 0

    def number_of_nodes(self) -> int:
        """How many nodes have an edge in the view."""
        return self._nodes

    def number_of_edges(self, kinds: list[str] | None = None) -> int:
        """How many edges the view has (of the given kinds)."""
        if not kinds:
            return self._size
        wanted = self._wanted(kinds)
        return sum(1 for kind in self.edges.kinds if wanted is None or kind in wanted)

    def kinds(self) -> list[str]:
        """The edge kinds of the view."""
        return list(self._kinds)

    def _wanted(self, kinds: list[str] | None) -> AbstractSet[int] | None:
        """The numbers of the edge kinds to follow: those asked for, within the view's; None for every edge."""
        if not kinds:
            return self._only
        asked = {number for kind in kinds if (number := self.terms.known_word(kind)) is not None}
        return asked if self._only is None else asked & self._only

    def _neighbours(self, number: int, wanted: AbstractSet[int] | None) -> Iterable[tuple[int, int]]:
        """Each edge at a node (of the wanted kinds) with the node at its other end."""
        starts, ends, kinds = self.edges.starts, self.edges.ends, self.edges.kinds
        for edge in self.incident[self.offsets[number]:self.offsets[number + 1]] if self._degree(number) else ():
            if wanted is None or kinds[edge] in wanted:
                yield edge, ends[edge] if starts[edge] == number else starts[edge]

    def _reach(self, starts: list[int], depth: int, kinds: list[str] | None) -> dict[int, int]:
        wanted = self._wanted(kinds)
        reached = dict.fromkeys(starts, 0)
        frontier = list(reached)
        for distance in range(1, depth + 1):
            if not frontier:
                break
            ahead = []
            for node in frontier:
                for _, other in self._neighbours(node, wanted):
                    if other not in reached:
                        reached[other] = distance
                        ahead.append(other)
            frontier = ahead
        return reached

    def _between(self, numbers: set[int], kinds: list[str] | None) -> set[int]:
        wanted, offsets, incident = self._wanted(kinds), self.offsets, self.incident
        starts, ends, of_kind = self.edges.starts, self.edges.ends, self.edges.kinds
        return {edge for node in numbers if self._degree(node) for edge in incident[offsets[node]:offsets[node + 1]]
                if (ends[edge] if starts[edge] == node else starts[edge]) in numbers
                and (wanted is None or of_kind[edge] in wanted)}

    def _count_between(self, numbers: set[int], kinds: list[str] | None) -> int:
        return len(self._between(numbers, kinds))

    def _edges(self, numbers: set[int], kinds: list[str] | None, limit: tuple[str, str] | None = None) -> list[_Edge]:
        between = self._between(numbers, kinds)
        if limit:
            _limit(len(between), *limit)
        return self._explained(between)

    def whole(self) -> Network:
        """The whole view as a network; TooLarge when it has more than MAX_EDGES edges."""
        _limit(self._size, f"the whole {self.graph['view']} view", "ask for an ego network or a path instead")
        return self._made(self._explained(self.edge_numbers()))

    def edge_numbers(self) -> Iterable[int]:
        """The numbers of the view's edges in its columns."""
        only = self._only
        return range(len(self.edges)) if only is None else (edge for edge, kind in enumerate(self.edges.kinds) if kind in only)

    def _explained(self, edges: Iterable[int]) -> list[_Edge]:
        """These edges with their IRIs and words, in the order of their numbers (the same every time for a store).

        Each IRI is decoded once, for ends, events and sources alike: an ego network of 5,203 edges
        at 100,000 cases names 7,438 nodes and 1,659 lists of sources, one of 494.
        """
        ordered, terms, words, columns = sorted(edges), self.terms, self.terms.words, self.edges
        starts, ends, vias, kinds, labels, lists = (columns.starts, columns.ends, columns.vias, columns.kinds, columns.labels,
                                                    columns.sources)
        graphs = {number: terms.source_graphs(number) for number in {lists[edge] for edge in ordered}}
        named = {node for edge in ordered for node in (starts[edge], ends[edge], vias[edge])} | {
            graph for members in graphs.values() for graph in members}
        iri = terms.iris.many(named - {NO_VIA})
        iri[NO_VIA] = ""
        sources = {number: [iri[graph] for graph in members] for number, members in graphs.items()}
        return [((starts[edge], iri[starts[edge]]), (ends[edge], iri[ends[edge]]), (vias[edge], iri[vias[edge]]),
                 words[kinds[edge]], words[labels[edge]], sources[lists[edge]]) for edge in ordered]


def _graph_of(data: dict[str, Any]) -> Network:
    """The networkx MultiGraph of node-link data."""
    return cast("Network", nx.node_link_graph(data, edges="edges"))


class _Decoded(dict[int, Any]):
    """What a function gives for each number, worked out once (looked up by subscript: a call would cost a frame)."""

    def __init__(self, decode: Callable[[int], Any]) -> None:
        super().__init__()
        self.decode = decode

    def __missing__(self, number: int) -> Any:
        found = self[number] = self.decode(number)
        return found


# An edge made for a request: its start, end and the event gone through (each a number and an IRI), kind, label and
# sources. A plain tuple: a NamedTuple took 2.5 ms more for the 5,203 edges of an ego network at 100,000 cases.
_Edge: TypeAlias = tuple[tuple[int, str], tuple[int, str], tuple[int, str], str, str, list[str]]


class Projection(_Compact):
    """The "shared" view, kept as who is linked to each hub; its edges are made only for what is asked.

    Hubs are numbered in the order of their IRIs. Who is at each hub, with the list of sources
    saying so, and the hubs of each node are kept as arrays of numbers (compressed rows): as
    dictionaries of IRIs they took 78 MB at 100,000 cases.
    """

    def __init__(self, cases: Links) -> None:
        terms, columns = cases.terms, cases.edges
        # Each person at each hub with the sources saying so: a number of a list in Terms, not a set of IRIs
        # (the sets grew the process by 348 MB at 100,000 cases). Most pairs come from one edge; sets only for the rest.
        first: dict[int, dict[int, int]] = defaultdict(dict)
        more: dict[tuple[int, int], set[int]] = defaultdict(set)
        for edge in cases.edge_numbers():
            for at in (columns.ends[edge], columns.vias[edge]):
                if at != NO_VIA and terms.classes[at] in SHARED:
                    who, sources = columns.starts[edge], columns.sources[edge]
                    if first[at].setdefault(who, sources) != sources:
                        more[at, who].add(sources)
        for (at, who), lists in more.items():
            lists.add(first[at][who])
            first[at][who] = terms.sources(frozenset(graph for n in lists for graph in terms.source_graphs(n)))
        # A hub with one person joins no one, and a person only in such hubs is not in the view.
        self.hub_nodes = array("i", sorted((at for at, people in first.items() if len(people) > 1), key=terms.iris.__getitem__))
        self.people, self.sources, self.people_ends = array("i"), array("i"), array("q")
        hubs_of: dict[int, list[int]] = defaultdict(list)
        for hub, at in enumerate(self.hub_nodes):
            for who, sources in first[at].items():
                self.people.append(who)
                self.sources.append(sources)
                hubs_of[who].append(hub)
            self.people_ends.append(len(self.people))
        self.hubs, self.hubs_ends = array("i"), array("i", [0])
        for node in range(len(terms.iris)):
            self.hubs.extend(hubs_of.get(node, ()))
            self.hubs_ends.append(len(self.hubs))
        self.size = len(hubs_of)
        self.kind = [SHARED[terms.classes[at]].replace(" ", "-") for at in self.hub_nodes]
        self.label_of = [SHARED[terms.classes[at]] for at in self.hub_nodes]
        self.terms = terms
        self.graph = {"view": "shared"}

    def _hubs_of(self, node: int, kinds: list[str] | None) -> Iterable[int]:
        """The hubs of a node (of the kinds), by number."""
        at = self.hubs[self.hubs_ends[node]:self.hubs_ends[node + 1]] if node + 1 < len(self.hubs_ends) else ()
        return at if not kinds else [hub for hub in at if self.kind[hub] in kinds]

    def _at(self, hub: int) -> Iterable[tuple[int, int]]:
        """Each person at a hub with the number of the list of sources saying so."""
        start = self.people_ends[hub - 1] if hub else 0
        return zip(self.people[start:self.people_ends[hub]], self.sources[start:self.people_ends[hub]], strict=True)

    def __contains__(self, node: object) -> bool:
        number = self.terms.number(node) if isinstance(node, str) else None
        return number is not None and bool(self._hubs_of(number, None))

    def number_of_nodes(self) -> int:
        """How many people share something with someone."""
        return self.size

    def number_of_edges(self, kinds: list[str] | None = None) -> int:
        """How many edges the view has (of the given kinds), without making them."""
        return sum(_pairs(self._count(hub)) for hub in range(len(self.hub_nodes)) if not kinds or self.kind[hub] in kinds)

    def _count(self, hub: int) -> int:
        return self.people_ends[hub] - (self.people_ends[hub - 1] if hub else 0)

    def kinds(self) -> list[str]:
        """The edge kinds of the view."""
        return sorted(set(self.kind))

    def whole(self) -> Network:
        """The whole view as a network; TooLarge when it has more than MAX_EDGES edges."""
        _limit(self.number_of_edges(), "the whole shared view", "ask for an ego network or a path instead")
        return self._made(self._edges({who for hub in range(len(self.hub_nodes)) for who, _ in self._at(hub)}, None))

    def _edges(self, numbers: set[int], kinds: list[str] | None, limit: tuple[str, str] | None = None) -> list[_Edge]:
        if limit:
            _limit(self._count_between(numbers, kinds), *limit)
        iris, lists = self.terms.iris, _Decoded(self.terms.source_list)  # each list recurs for many pairs
        made = []
        for hub in sorted({hub for person in numbers for hub in self._hubs_of(person, kinds)}):
            at = self.hub_nodes[hub]
            joined = sorted((iris[person], person, sources) for person, sources in self._at(hub) if person in numbers)
            for (a, a_number, a_sources), (b, b_number, b_sources) in itertools.combinations(joined, 2):
                made.append(((a_number, a), (b_number, b), (at, iris[at]), self.kind[hub], self.label_of[hub],
                              sorted({*lists[a_sources], *lists[b_sources]})))
        return made

    def _reach(self, starts: list[int], depth: int, kinds: list[str] | None) -> dict[int, int]:
        reached = dict.fromkeys(starts, 0)
        frontier, seen = list(reached), set()
        for distance in range(1, depth + 1):
            if not frontier:
                break
            ahead = []
            for person in frontier:
                for hub in self._hubs_of(person, kinds):
                    if hub in seen:
                        continue
                    seen.add(hub)
                    for other, _ in self._at(hub):
                        if other not in reached:
                            reached[other] = distance
                            ahead.append(other)
            frontier = ahead
        return reached

    def _count_between(self, numbers: set[int], kinds: list[str] | None) -> int:
        hubs = {hub for person in numbers for hub in self._hubs_of(person, kinds)}
        return sum(_pairs(sum(1 for person, _ in self._at(hub) if person in numbers)) for hub in hubs)


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def _limit(edges: int, what: str, advice: str) -> None:
    if edges > MAX_EDGES:
        raise TooLarge(f"{what} has {edges:,} edges, more than the {MAX_EDGES:,} made into a network at once; {advice}")


View: TypeAlias = "Links | Projection | Network"


def view(views: dict[str, View], name: str) -> View:
    """A view by name; NotFound naming the views there are."""
    if name not in views:
        raise NotFound(f"no view {name!r}; the views are {', '.join(views)}")
    return views[name]


def whole(graph: View) -> Network:
    """A whole view as a network; TooLarge for one too large to make at once."""
    return graph if isinstance(graph, nx.MultiGraph) else graph.whole()


def label(graph: View, node: str) -> str:
    """The display name of a node of a view."""
    return str(graph.nodes[node]["label"]) if isinstance(graph, nx.MultiGraph) else graph.label(node)


def parse_kinds(text: str | None) -> list[str] | None:
    """Edge kinds from a comma-separated list; None (every kind) for none."""
    kinds = [k.strip() for k in (text or "").split(",") if k.strip()]
    return kinds or None


def kinds_of(graph: View) -> list[str]:
    """The edge kinds present in a view."""
    if isinstance(graph, nx.MultiGraph):
        return sorted({data["kind"] for _, _, data in graph.edges(data=True)})
    return graph.kinds()


def _check_kinds(graph: View, kinds: list[str] | None) -> None:
    unknown = set(kinds or ()) - set(kinds_of(graph))
    if unknown:
        raise UsageError(f"no edges of kind {', '.join(sorted(unknown))} in this view; it has {', '.join(kinds_of(graph))}")


def only(graph: Network, kinds: list[str] | None) -> Network:
    """The network with only edges of these kinds (all of them when none are given)."""
    if not kinds:
        return graph
    _check_kinds(graph, kinds)
    kept = [(a, b, k) for a, b, k, data in graph.edges(keys=True, data=True) if data["kind"] in kinds]
    return graph.edge_subgraph(kept)  # type: ignore[arg-type]  # a multigraph takes (u, v, key) triples


def ego(graph: View, nodes: list[str], depth: int = 1, kinds: list[str] | None = None) -> Network:
    """Everything within `depth` links of any of the nodes, over edges of the given kinds."""
    _check_ego(graph, nodes, depth, kinds)
    if isinstance(graph, nx.MultiGraph):
        return _network_ego(graph, nodes, depth, kinds)
    return graph.ego(nodes, depth, kinds)


def ego_node_link(graph: View, nodes: list[str], depth: int = 1, kinds: list[str] | None = None) -> dict[str, Any]:
    """The ego network as node-link data: what networkx writes of ego()'s network, up to the order of nodes and edges."""
    _check_ego(graph, nodes, depth, kinds)
    if isinstance(graph, nx.MultiGraph):
        data: dict[str, Any] = nx.node_link_data(_network_ego(graph, nodes, depth, kinds), edges="edges")
        return data
    return graph.ego_node_link(nodes, depth, kinds)


def _check_ego(graph: View, nodes: list[str], depth: int, kinds: list[str] | None) -> None:
    if not 0 <= depth <= MAX_DEPTH:
        raise UsageError(f"depth must be between 0 and {MAX_DEPTH}, not {depth}")
    for node in nodes:
        _require(graph, node)
    _check_kinds(graph, kinds)


def _network_ego(graph: Network, nodes: list[str], depth: int, kinds: list[str] | None) -> Network:
    """An ego network of a networkx MultiGraph (an ego network, or a test's oracle)."""
    wanted = set(kinds or ())
    filtered = nx.subgraph_view(graph, filter_edge=lambda a, b, key: not wanted or graph.edges[a, b, key]["kind"] in wanted)
    reached = set(nodes)
    for node in nodes:
        reached.update(nx.single_source_shortest_path_length(filtered, node, cutoff=depth))
    result: Network = nx.MultiGraph(filtered.subgraph(reached), **graph.graph)
    for node in nodes:  # a node with no edges of the kinds asked for is still shown, alone
        result.add_node(node, **graph.nodes[node])
    return result


def paths(graph: View, source: str, target: str, max_length: int = 4,
          kinds: list[str] | None = None) -> dict[str, Any]:
    """The shortest paths and every simple path up to a length between two nodes, each hop explained."""
    if not 1 <= max_length <= MAX_LENGTH:
        raise UsageError(f"max_length must be between 1 and {MAX_LENGTH}, not {max_length}")
    _require(graph, source)
    _require(graph, target)
    _check_kinds(graph, kinds)
    if isinstance(graph, nx.MultiGraph):
        filtered: nx.Graph[str] = nx.Graph(only(graph, kinds))
    else:
        graph, filtered = _around(graph, source, target, max_length, kinds)
    if source not in filtered or target not in filtered or not nx.has_path(filtered, source, target):
        return {"source": source, "target": target, "connected": False, "shortest": [], "paths": []}
    shortest = sorted(itertools.islice(nx.all_shortest_paths(filtered, source, target), MAX_PATHS))
    simple = sorted(itertools.islice(nx.all_simple_paths(filtered, source, target, cutoff=max_length), MAX_PATHS),
                    key=lambda p: (len(p), p))
    return {"source": source, "target": target, "connected": True,
            "shortest": [_explain(graph, p) for p in shortest], "paths": [_explain(graph, p) for p in simple]}


def _around(compact: Links | Projection, source: str, target: str, max_length: int,
            kinds: list[str] | None) -> tuple[Network, nx.Graph[str]]:
    """The part of a view that paths between two nodes can cross, whole and of the kinds only.

    A node on a simple path of length at most L, or on a shortest path of length d, is at distances
    whose sum is at most max(L, d) from the two ends, so nothing farther is made.
    """
    depth = compact.number_of_nodes()  # no path is longer
    from_source = compact.reach([source], depth, kinds)
    if target not in from_source:
        return compact.among({source, target}), nx.Graph()
    bound = max(max_length, from_source[target])
    from_target = compact.reach([target], bound, kinds)
    crossed = {node for node, distance in from_source.items() if distance + from_target.get(node, bound + 1) <= bound}
    _limit(compact.edges_among(crossed, None), "the part of the view these paths cross", "ask for a shorter max_length")
    return compact.among(crossed), nx.Graph(compact.among(crossed, kinds))


def _explain(graph: Network, nodes: list[str]) -> list[dict[str, Any]]:
    """A path of nodes as hops, each with every link the sources state between its two ends."""
    return [{"from": a, "from_label": graph.nodes[a]["label"], "to": b, "to_label": graph.nodes[b]["label"],
             "links": sorted(graph.get_edge_data(a, b).values(), key=lambda d: (d["kind"], d["via"]))}
            for a, b in itertools.pairwise(nodes)]


def path_network(graph: View, found: dict[str, Any]) -> Network:
    """The part of a network that the found paths go through."""
    if not isinstance(graph, nx.MultiGraph):
        crossed = {found["source"], found["target"]} | {hop[end] for path in found["paths"] + found["shortest"]
                                                        for hop in path for end in ("from", "to")}
        compact, graph = graph, graph.among(crossed)
        for end in (found["source"], found["target"]):  # shown even when no edge joins them
            graph.add_node(end, **compact.terms.about(end))
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
