"""What the compact views share: questions asked with IRIs, answered over node numbers, and their answers as node-link data.

A view keeps its nodes and edges as numbers in numpy arrays; only what a request returns is made
into strings and, when asked for, a networkx MultiGraph.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
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


class CompactView(ABC):
    """A view over the shared node table, answering with node numbers; named by `name` (people, cases, shared, all)."""

    name: str
    nodes: NodeTable

    @abstractmethod
    def distances(self, starts: Numbers, depth: int, kinds: list[str] | None) -> npt.NDArray[np.int32]:
        """For every node, how many links (of the kinds) it is from the nearest start, up to `depth`; UNREACHED past it."""

    @abstractmethod
    def count_between(self, numbers: Numbers, kinds: list[str] | None) -> int:
        """How many edges (of the kinds) join two of the nodes."""

    @abstractmethod
    def edges_between(self, numbers: Numbers, kinds: list[str] | None) -> list[Edge]:
        """The edges (of the kinds) joining two of the nodes, in an order that is the same every time for a store."""

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
        nodes: dict[str, dict[str, Any]] = {}
        described = self.nodes.described_many({number for edge in edges for number, _ in edge[:3]} - {NO_VIA})
        described[NO_VIA] = {"label": ""}
        links = []
        for (start_number, start), (end_number, end), (via_number, via), kind, label, sources in edges:  # unpacked: 2x faster
            if start not in nodes:
                nodes[start] = {**described[start_number], "id": start}
            if end not in nodes:
                nodes[end] = {**described[end_number], "id": end}
            links.append({"kind": kind, "label": label, "subject": start, "object": end, "via": via,
                          "via_label": described[via_number]["label"], "sources": sources,
                          "source": start, "target": end, "key": f"{kind} {start} {via}"})
        for node in sorted(set(alone) - set(nodes)):
            nodes[node] = {**self.nodes.about(node), "id": node}
        return {"directed": False, "multigraph": True, "graph": {"view": self.name}, "nodes": list(nodes.values()),
                "edges": links}


def graph_of(data: dict[str, Any]) -> Network:
    """The networkx MultiGraph of node-link data."""
    return cast("Network", nx.node_link_graph(data, edges="edges"))
