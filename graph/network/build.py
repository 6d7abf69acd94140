"""The views built from the store: nodes and edges read with the SELECT queries in queries/network/, then packed into arrays.

What counts as a tie is written in SPARQL, not here. While the rows are read, nodes are numbered
in the order they are met, through a dictionary; once read, the trie of their IRIs numbers them
for good and every column is renumbered to match.
"""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from functools import cache

import marisa_trie
import numpy as np

from graph.namespaces import local_name
from graph.network.compact import CompactView, Numbers
from graph.network.edges import EdgeTable, EdgeView
from graph.network.nodes import NO_VIA, CodedColumn, NodeTable, SourceLists, TextColumn
from graph.network.rows import compressed_rows
from graph.network.shared import HUB_LABELS, SHARED, HubTable, SharedView
from graph.paths import queries_dir
from graph.store.seam import Store


@cache
def _query(name: str) -> str:
    return (queries_dir() / "network" / f"{name}.rq").read_text(encoding="utf-8")


class _NodesMet:
    """Nodes numbered in the order they are met while the rows are read, and the lists of sources met."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.iris: list[str] = []
        self.labels: list[str] = []
        self.kinds: list[str] = []
        self.classes: list[str] = []
        self.lists: dict[frozenset[int], int] = {}

    def node(self, iri: str, label: str | None = None, kind: str = "", klass: str = "") -> int:
        """The number of a node, added (named by its local name unless a label is given) when new."""
        found = self.numbers.get(iri)
        if found is None:
            found = self.numbers[iri] = len(self.iris)
            self.iris.append(iri)
            self.labels.append(local_name(iri) if label is None else label)
            self.kinds.append(kind)
            self.classes.append(klass)
        return found

    def sources(self, graphs: frozenset[int]) -> int:
        """The number of a set of source graphs, each set kept once."""
        return self.lists.setdefault(graphs, len(self.lists))

    def table(self) -> tuple[NodeTable, Numbers]:
        """The node table, numbered by the trie, and the trie's number of each node as met."""
        trie = marisa_trie.Trie(self.iris)
        renumbered = np.empty(len(self.iris), dtype=np.int32)
        for iri, number in trie.iteritems():
            renumbered[self.numbers[iri]] = number
        order = np.argsort(renumbered).tolist()  # the nodes as met, in the trie's order
        items: list[int] = []
        starts = [0]
        for graphs in self.lists:  # in the order of their numbers
            items.extend(int(renumbered[graph]) for graph in sorted(graphs, key=self.iris.__getitem__))
            starts.append(len(items))
        lists = SourceLists(np.array(items, dtype=np.int32), np.array(starts, dtype=np.int64))
        table = NodeTable(trie, TextColumn.of(self.iris[n] for n in order), TextColumn.of(self.labels[n] for n in order),
                          CodedColumn.of([self.kinds[n] for n in order]), CodedColumn.of([self.classes[n] for n in order]), lists)
        return table, renumbered


def build_views(store: Store) -> dict[str, CompactView]:
    """Every view of the store, built afresh from its current contents."""
    met = _named(store)
    words: dict[str, int] = {}
    ties, case_links = _links(store, "people", met, words), _links(store, "cases", met, words)
    hubs = _hubs(met, case_links)
    nodes, renumbered = met.table()
    columns = {c: _renumbered(np.concatenate([ties[c], case_links[c]]), renumbered) if c in ("starts", "ends", "vias")
               else np.concatenate([ties[c], case_links[c]]).astype(np.int32) for c in _COLUMNS}
    every = np.arange(len(columns["starts"]), dtype=np.int32)
    pointers, at_node = compressed_rows(np.concatenate([columns["starts"], columns["ends"]]), np.concatenate([every, every]),
                                        len(nodes))
    table = EdgeTable(columns["starts"], columns["ends"], columns["kinds"], columns["labels"], columns["vias"],
                      columns["sources"], pointers, at_node, list(words))
    return {"people": EdgeView("people", nodes, table, np.unique(ties["kinds"]).tolist()),
            "cases": EdgeView("cases", nodes, table, np.unique(case_links["kinds"]).tolist()),
            "shared": SharedView(nodes, _hub_table(hubs, met, renumbered, len(nodes))),
            "all": EdgeView("all", nodes, table)}


def node_table(store: Store) -> NodeTable:
    """The name, kind and class of every named thing, as the views hold them."""
    return _named(store).table()[0]


def _named(store: Store) -> _NodesMet:
    """Name, kind and class of every named thing, met in the order of their IRIs."""
    labels: dict[str, set[str]] = defaultdict(set)
    broader: dict[str, set[str]] = defaultdict(set)
    for row in store.scan(_query("classes")):
        if row["kind"] is not None:
            labels[row["class"].value].add(row["kind"].value)
        else:
            broader[row["class"].value].add(row["broader"].value)
    # A node's class, and a set only for the few with several: a set is 216 bytes, for each of 1.5 million nodes at 100,000 cases.
    types: dict[str, str] = {}
    several: dict[str, set[str]] = defaultdict(set)
    for row in store.scan(_query("types")):
        node, klass = row["node"].value, sys.intern(row["class"].value)
        if types.setdefault(node, klass) != klass:
            several[node].update((klass, types[node]))
    met = _NodesMet()
    for iri, label in sorted((row["node"].value, row["label"].value) for row in store.scan(_query("nodes"))):
        classes = _most_specific(several[iri] if iri in several else {types[iri]} if iri in types else set(), broader)
        kinds = [kind for c in classes for kind in labels.get(c, ())]
        named = [c for c in classes if c in labels]
        # A handful of kinds and classes repeat over every node: one string each.
        met.node(iri, label, sys.intern(min(kinds, default="")), sys.intern(local_name(min(named))) if named else "")
    return met


def _most_specific(classes: set[str], broader: dict[str, set[str]]) -> set[str]:
    """The classes that no other of the classes is narrower than."""
    covered = {b for c in classes for b in broader.get(c, ())}
    return classes - covered


_COLUMNS = ("starts", "ends", "kinds", "labels", "vias", "sources")


def _links(store: Store, view: str, met: _NodesMet, words: dict[str, int]) -> dict[str, Numbers]:
    """The view's edges, one per (ends, kind, via), with every source that states it, as columns of numbers as met."""
    first: dict[tuple[int, int, int, int], int] = {}
    more: dict[tuple[int, int, int, int], set[int]] = defaultdict(set)  # most edges have one source: sets only for the rest
    for row in store.scan(_query(view)):
        via = met.node(row["via"].value) if row["via"] else NO_VIA
        key = (met.node(row["from"].value), met.node(row["to"].value), met.node(row["kind"].value), via)
        source = met.node(row["source"].value)
        if first.setdefault(key, source) != source:
            more[key].add(source)
    columns = {name: array("i") for name in _COLUMNS}
    for key, source in first.items():
        start, end, kind, via = key
        through = met.kinds[via] if via != NO_VIA else ""
        name = met.labels[kind]
        label = f"{name} ({through})" if through else name
        for column, value in zip(_COLUMNS, (start, end, words.setdefault(local_name(met.iris[kind]), len(words)),
                                            words.setdefault(label, len(words)), via,
                                            met.sources(frozenset(more.get(key, set()) | {source}))), strict=True):
            columns[column].append(value)
    return {name: np.frombuffer(column, dtype=np.int32) if column else np.zeros(0, np.int32)
            for name, column in columns.items()}


def _renumbered(column: Numbers, renumbered: Numbers) -> Numbers:
    """A column of nodes as met, numbered by the trie (NO_VIA kept)."""
    return np.where(column == NO_VIA, NO_VIA, renumbered[np.maximum(column, 0)]).astype(np.int32)


def _hubs(met: _NodesMet, cases: dict[str, Numbers]) -> dict[int, dict[int, int]]:
    """Each person at each hub (nodes as met) with the list of sources saying so.

    A list number, not a set of IRIs (the sets grew the process by 348 MB at 100,000 cases). Most
    pairs come from one edge; sets only for the rest.
    """
    first: dict[int, dict[int, int]] = defaultdict(dict)
    more: dict[tuple[int, int], set[int]] = defaultdict(set)
    columns = zip(cases["starts"].tolist(), cases["ends"].tolist(), cases["vias"].tolist(), cases["sources"].tolist(),
                  strict=True)
    for who, end, via, sources in columns:
        for at in (end, via):
            if at != NO_VIA and met.classes[at] in SHARED:
                if first[at].setdefault(who, sources) != sources:
                    more[at, who].add(sources)
    graphs_of = {number: graphs for graphs, number in met.lists.items()}
    for (at, who), lists in more.items():
        lists.add(first[at][who])
        first[at][who] = met.sources(frozenset(graph for n in lists for graph in graphs_of[n]))
    # A hub with one person joins no one, and a person only in such hubs is not in the view.
    return {at: people for at, people in first.items() if len(people) > 1}


def _hub_table(hubs: dict[int, dict[int, int]], met: _NodesMet, renumbered: Numbers, size: int) -> HubTable:
    """The hubs in the order of their IRIs, with the people at each and each person's hubs, numbered by the trie."""
    ordered = sorted(hubs, key=met.iris.__getitem__)
    people: list[int] = []
    sources: list[int] = []
    pointers = [0]
    for at in ordered:
        people.extend(hubs[at])
        sources.extend(hubs[at].values())
        pointers.append(len(people))
    at_hubs = np.array(people, dtype=np.int32)
    counts = [len(hubs[at]) for at in ordered]
    hub_of_each = np.repeat(np.arange(len(ordered), dtype=np.int32), counts)
    hub_pointers, of_node = compressed_rows(renumbered[at_hubs] if len(at_hubs) else at_hubs, hub_of_each, size)
    labels = [HUB_LABELS.index(SHARED[met.classes[at]]) for at in ordered]
    return HubTable(renumbered[np.array(ordered, dtype=np.int32)].astype(np.int32), np.array(labels, dtype=np.uint8),
                    np.array(pointers, dtype=np.int64), renumbered[at_hubs].astype(np.int32) if len(at_hubs) else at_hubs,
                    np.array(sources, dtype=np.int32), hub_pointers, of_node)
