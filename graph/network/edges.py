"""The people, cases and all views: stated edges as int32 columns, and each node's edges as compressed rows.

At 100,000 cases the all view holds some 1.8 million edges: six int32 columns and the compressed
rows of each node's edges. The people and cases views are parts of it: they share its table and
keep only their edge kinds and which nodes have an edge of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from graph.network.compact import UNREACHED, Between, CompactView, Edge, Numbers
from graph.network.nodes import NO_VIA, NodeTable
from graph.network.rows import gathered

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class EdgeTable:
    """Edges as columns of node and word numbers, with the edges at each node as compressed rows.

    Edge i goes from starts[i] to ends[i]; its kind and label are words[kinds[i]] and
    words[labels[i]], the event it goes through vias[i] (NO_VIA for none) and its sources the list
    sources[i] of the node table. The edges at node n are at_node[pointers[n]:pointers[n + 1]].
    """

    starts: Numbers
    ends: Numbers
    kinds: Numbers
    labels: Numbers
    vias: Numbers
    sources: Numbers
    pointers: npt.NDArray[np.int64]
    at_node: Numbers
    words: list[str]
    word_numbers: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "word_numbers", {word: number for number, word in enumerate(self.words)})

    def __len__(self) -> int:
        return len(self.starts)


class EdgeView(CompactView):
    """A view of the edges of a table: all of them, or only those of some kinds (a part, with the nodes it reaches)."""

    def __init__(self, name: str, nodes: NodeTable, table: EdgeTable, only: list[int] | None = None,
                 members: Mask | None = None) -> None:
        self.name, self.nodes, self.table = name, nodes, table
        self.only = None if only is None else sorted(only)  # the word numbers of a part's kinds; None for every edge
        if self.only is not None and members is None:
            members = np.zeros(len(nodes), dtype=np.bool_)
            chosen = np.isin(table.kinds, self.only)
            members[table.starts[chosen]] = members[table.ends[chosen]] = True
        self.members = members  # for a part, whether each node has an edge of its kinds

    @cached_property
    def _edge_numbers(self) -> Numbers:
        """The numbers of the view's edges in the table."""
        if self.only is None:
            return np.arange(len(self.table), dtype=np.int32)
        return np.flatnonzero(np.isin(self.table.kinds, self.only)).astype(np.int32)

    @cached_property
    def _node_count(self) -> int:
        if self.members is not None:
            return int(self.members.sum())
        return int(np.count_nonzero(np.diff(self.table.pointers)))

    def has_node(self, number: int) -> bool:
        if self.members is not None:
            return bool(self.members[number])
        return bool(self.table.pointers[number + 1] > self.table.pointers[number])

    def number_of_nodes(self) -> int:
        return self._node_count

    def number_of_edges(self) -> int:
        return len(self._edge_numbers)

    @cached_property
    def _kinds(self) -> list[str]:
        words = self.table.words
        used = self.only if self.only is not None else np.unique(self.table.kinds).tolist()
        return sorted(words[number] for number in used)

    def kinds(self) -> list[str]:
        return list(self._kinds)

    def _allowed(self, kinds: list[str] | None) -> Mask | None:
        """Which word numbers are kinds to follow: those asked for, within the view's; None for every edge."""
        if not kinds and self.only is None:
            return None
        allowed = np.zeros(len(self.table.words), dtype=np.bool_)
        if kinds:
            allowed[[number for kind in kinds if (number := self.table.word_numbers.get(kind)) is not None]] = True
            if self.only is not None:
                allowed &= np.isin(np.arange(len(allowed)), self.only)
        else:
            allowed[self.only] = True
        return allowed

    def _across(self, numbers: Numbers, allowed: Mask | None) -> tuple[Numbers, Numbers]:
        """Each edge (of the allowed kinds) at the nodes, and the node at its other end."""
        table = self.table
        positions, at = gathered(table.pointers, numbers)
        edges = table.at_node[positions]
        if allowed is not None:
            keep = allowed[table.kinds[edges]]
            edges, at = edges[keep], at[keep]
        starts = table.starts[edges]
        return edges, np.where(starts == at, table.ends[edges], starts)

    def distances(self, starts: Numbers, depth: int, kinds: list[str] | None) -> npt.NDArray[np.int32]:
        allowed = self._allowed(kinds)
        distance = np.full(len(self.nodes), UNREACHED, dtype=np.int32)
        frontier = np.unique(starts)
        distance[frontier] = 0
        for step in range(1, depth + 1):
            if not frontier.size:
                break
            _, others = self._across(frontier, allowed)
            frontier = np.unique(others[distance[others] == UNREACHED])
            distance[frontier] = step
        return distance

    def between(self, numbers: Numbers, kinds: list[str] | None) -> Between:
        inside = np.zeros(len(self.nodes), dtype=np.bool_)
        inside[numbers] = True
        edges, others = self._across(numbers, self._allowed(kinds))
        found = np.unique(edges[inside[others]])  # by number, ascending
        return Between(len(found), numbers, found)

    def made(self, between: Between) -> list[Edge]:
        return self._explained(between.found)

    def all_edges(self) -> list[Edge]:
        return self._explained(self._edge_numbers)

    def _explained(self, edges: Numbers) -> list[Edge]:
        """These edges with their IRIs and words, in the order of their numbers.

        Each IRI is decoded once, for ends, events and sources alike: an ego network of 5,203 edges
        at 100,000 cases names 7,438 nodes and 1,659 lists of sources, one of 494.
        """
        table, nodes = self.table, self.nodes
        starts, ends, vias = table.starts[edges].tolist(), table.ends[edges].tolist(), table.vias[edges].tolist()
        kinds, labels, lists = table.kinds[edges].tolist(), table.labels[edges].tolist(), table.sources[edges].tolist()
        graphs = nodes.sources.many(set(lists))
        named = {*starts, *ends, *vias, *(graph for members in graphs.values() for graph in members)} - {NO_VIA}
        iri = nodes.iris_of(np.fromiter(named, dtype=np.int64, count=len(named)))
        iri[NO_VIA] = ""
        sources = {number: [iri[graph] for graph in members] for number, members in graphs.items()}
        words = table.words
        return [((start, iri[start]), (end, iri[end]), (via, iri[via]), words[kind], words[label], sources[listed])
                for start, end, via, kind, label, listed in zip(starts, ends, vias, kinds, labels, lists, strict=True)]
