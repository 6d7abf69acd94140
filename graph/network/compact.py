"""What the compact views share: questions asked with IRIs, answered over node numbers, and their answers as node-link data.

A view keeps its nodes and edges as numbers in numpy arrays; only what a request returns is made
into strings and, when asked for, a networkx MultiGraph.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias, cast

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph.network.nodes import NO_VIA, NodeTable

Network: TypeAlias = "nx.MultiGraph[str]"
Numbers: TypeAlias = npt.NDArray[np.int32]
# An edge made for a request: its start, end and the event gone through (each a number and an IRI), kind, label and
# sources. A plain tuple: a NamedTuple took 2.5 ms more for the 5,203 edges of an ego network at 100,000 cases.
Edge: TypeAlias = tuple[tuple[int, str], tuple[int, str], tuple[int, str], str, str, list[str]]
UNREACHED = -1


@dataclass(frozen=True)
class Between:
    """The edges (of some kinds) joining a set of nodes, found but not yet made: how many, and what makes them.

    Counting and making are two steps so that a request can be refused for its size before anything
    is made, and found once: finding took a tenth of a depth-2 ego network's time at 100,000 cases.
    """

    count: int
    nodes: Numbers  # the set of nodes, as asked
    found: Numbers  # what the view found: edge numbers (edges views) or hub numbers (the shared view)


class CompactView(ABC):
    """A view over the shared node table, answering with node numbers; named by `name` (people, cases, shared, all)."""

    name: str
    nodes: NodeTable

    @abstractmethod
    def distances(self, starts: Numbers, depth: int, kinds: list[str] | None) -> npt.NDArray[np.int32]:
        """For every node, how many links (of the kinds) it is from the nearest start, up to `depth`; UNREACHED past it."""

    @abstractmethod
    def between(self, numbers: Numbers, kinds: list[str] | None) -> Between:
        """The edges (of the kinds) joining two of the nodes, found."""

    @abstractmethod
    def made(self, between: Between) -> list[Edge]:
        """The edges found, in an order that is the same every time for a store."""

    def edges_between(self, numbers: Numbers, kinds: list[str] | None) -> list[Edge]:
        """The edges (of the kinds) joining two of the nodes, found and made."""
        return self.made(self.between(numbers, kinds))

    @abstractmethod
    def all_edges(self) -> list[Edge]:
        """Every edge of the view."""

    @abstractmethod
    def has_node(self, number: int) -> bool:
        """Whether a node has an edge in the view."""

    @abstractmethod
    def number_of_nodes(self) -> int:
        """How many nodes have an edge in the view."""

    @abstractmethod
    def number_of_edges(self) -> int:
        """How many edges the view has."""

    @abstractmethod
    def kinds(self) -> list[str]:
        """The edge kinds of the view, sorted."""

    def __contains__(self, node: object) -> bool:
        number = self.nodes.number(node) if isinstance(node, str) else None
        return number is not None and self.has_node(number)

    def numbers(self, nodes: Iterable[str]) -> Numbers:
        """The numbers of those of the nodes that the node table holds, sorted."""
        found = {number for node in nodes if (number := self.nodes.number(node)) is not None}
        return np.array(sorted(found), dtype=np.int32)

    def reach(self, starts: list[str], depth: int, kinds: list[str] | None) -> npt.NDArray[np.int32]:
        """distances() from nodes given by IRI, each of which must be in the node table."""
        return self.distances(np.array([self.nodes.known(start) for start in starts], dtype=np.int32), depth, kinds)

    def among(self, numbers: Numbers, kinds: list[str] | None = None) -> Network:
        """The view's part between these nodes: every edge (of the kinds) joining two of them, with its ends."""
        return graph_of(self.node_link(self.edges_between(numbers, kinds)))

    def label(self, node: str) -> str:
        """A node's display name."""
        return self.nodes.about(node)["label"]

    def node_link(self, edges: list[Edge], alone: Iterable[str] = ()) -> dict[str, Any]:
        """Node-link data of these edges (and of the nodes alone given), each edge from its subject to its object.

        Each edge is written with its ends, kind, label, the event gone through (with its label) and
        sources, and a key among the edges between its ends.
        """
        table = self.nodes
        ends = np.fromiter({number for edge in edges for number in (edge[0][0], edge[1][0])}, dtype=np.int64)
        vias = np.fromiter({edge[2][0] for edge in edges} - {NO_VIA}, dtype=np.int64)
        # Each node's attributes are made once, as the dict the answer holds, and an event's label alone: at 100,000
        # cases an ego network of 3,389 nodes and 2,391 events took some 3 ms less of its 55 than with a dict copied each.
        described = table.described_many(ends)
        via_labels = dict(zip(vias.tolist(), table.labels.many(vias), strict=True))
        via_labels[NO_VIA] = ""
        nodes: dict[str, dict[str, Any]] = {}
        links = []
        for (start_number, start), (end_number, end), (via_number, via), kind, label, sources in edges:  # unpacked: 2x faster
            if start not in nodes:
                nodes[start] = described[start_number]
                nodes[start]["id"] = start
            if end not in nodes:
                nodes[end] = described[end_number]
                nodes[end]["id"] = end
            links.append({"kind": kind, "label": label, "subject": start, "object": end, "via": via,
                          "via_label": via_labels[via_number], "sources": sources,
                          "source": start, "target": end, "key": f"{kind} {start} {via}"})
        for node in sorted(set(alone) - set(nodes)):
            nodes[node] = {**self.nodes.about(node), "id": node}
        return {"directed": False, "multigraph": True, "graph": {"view": self.name}, "nodes": list(nodes.values()),
                "edges": links}


def graph_of(data: dict[str, Any]) -> Network:
    """The networkx MultiGraph of node-link data."""
    return cast("Network", nx.node_link_graph(data, edges="edges"))
