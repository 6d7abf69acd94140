"""The shared view: people joined by a court, facility, charge, law article, trial or verdict they share.

It is a projection of the cases view, kept as who is at each hub (the thing shared) and the hubs
of each person, both as compressed rows; its edges, a pair of people at a hub, are made only for
what is asked: made whole, a hub of 1,000 people would be half a million edges.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from graph.network.compact import UNREACHED, Between, CompactView, Edge, Numbers
from graph.network.nodes import NodeTable
from graph.network.rows import gathered

# Things people can share, by class: two people linked to the same one are joined in the "shared" view.
SHARED = {"Court": "shared court", "DetentionFacility": "shared facility", "Charge": "shared charge",
          "LawArticle": "shared law article", "Trial": "shared trial", "Verdict": "shared verdict"}
HUB_LABELS = list(SHARED.values())  # a hub's kind is its label's number here
HUB_KINDS = [label.replace(" ", "-") for label in HUB_LABELS]


@dataclass(frozen=True)
class HubTable:
    """Hubs (numbered in the order of their IRIs) with the people at each, and each node's hubs.

    Hub h is node hub_nodes[h], of kind HUB_KINDS[hub_kinds[h]]; the people at it are
    people[people_pointers[h]:people_pointers[h + 1]], each with the list of sources saying so in
    people_sources. The hubs of node n are hubs[hub_pointers[n]:hub_pointers[n + 1]].
    """

    hub_nodes: Numbers
    hub_kinds: npt.NDArray[np.uint8]
    people_pointers: npt.NDArray[np.int64]
    people: Numbers
    people_sources: Numbers
    hub_pointers: npt.NDArray[np.int64]
    hubs: Numbers


class SharedView(CompactView):
    """The shared view over a hub table."""

    def __init__(self, nodes: NodeTable, table: HubTable) -> None:
        self.name, self.nodes, self.table = "shared", nodes, table

    @cached_property
    def _node_count(self) -> int:
        return int(np.count_nonzero(np.diff(self.table.hub_pointers)))

    @cached_property
    def _edge_count(self) -> int:
        counts = np.diff(self.table.people_pointers)
        return int((counts * (counts - 1) // 2).sum())

    def has_node(self, number: int) -> bool:
        return bool(self.table.hub_pointers[number + 1] > self.table.hub_pointers[number])

    def number_of_nodes(self) -> int:
        return self._node_count

    def number_of_edges(self) -> int:
        return self._edge_count

    @cached_property
    def _kinds(self) -> list[str]:
        return sorted(HUB_KINDS[code] for code in np.unique(self.table.hub_kinds).tolist())

    def kinds(self) -> list[str]:
        return list(self._kinds)

    def _hubs_of(self, numbers: Numbers, kinds: list[str] | None) -> Numbers:
        """The hubs (of the kinds) of any of the nodes, ascending."""
        positions, _ = gathered(self.table.hub_pointers, numbers)
        hubs = np.unique(self.table.hubs[positions])
        if kinds:
            hubs = hubs[np.isin(self.table.hub_kinds[hubs], [HUB_KINDS.index(kind) for kind in kinds if kind in HUB_KINDS])]
        return hubs

    def distances(self, starts: Numbers, depth: int, kinds: list[str] | None) -> npt.NDArray[np.int32]:
        table = self.table
        distance = np.full(len(self.nodes), UNREACHED, dtype=np.int32)
        crossed = np.zeros(len(table.hub_nodes), dtype=np.bool_)
        frontier = np.unique(starts)
        distance[frontier] = 0
        for step in range(1, depth + 1):
            if not frontier.size:
                break
            hubs = self._hubs_of(frontier, kinds)
            hubs = hubs[~crossed[hubs]]
            crossed[hubs] = True
            positions, _ = gathered(table.people_pointers, hubs)
            others = table.people[positions]
            frontier = np.unique(others[distance[others] == UNREACHED])
            distance[frontier] = step
        return distance

    def between(self, numbers: Numbers, kinds: list[str] | None) -> Between:
        inside = np.zeros(len(self.nodes), dtype=np.bool_)
        inside[numbers] = True
        found = self._hubs_of(numbers, kinds)
        positions, hubs = gathered(self.table.people_pointers, found)
        _, counts = np.unique(hubs[inside[self.table.people[positions]]], return_counts=True)
        return Between(int((counts * (counts - 1) // 2).sum()), numbers, found)

    def made(self, between: Between) -> list[Edge]:
        table, nodes, wanted = self.table, self.nodes, set(between.nodes.tolist())
        lists: dict[int, list[str]] = {}  # each list of sources recurs for many pairs
        made = []
        for hub in between.found.tolist():
            at, first, last = int(table.hub_nodes[hub]), int(table.people_pointers[hub]), int(table.people_pointers[hub + 1])
            kind, label = HUB_KINDS[table.hub_kinds[hub]], HUB_LABELS[table.hub_kinds[hub]]
            joined = sorted((nodes.iri(person), person, sources) for person, sources in
                            zip(table.people[first:last].tolist(), table.people_sources[first:last].tolist(), strict=True)
                            if person in wanted)
            for (a, a_number, a_sources), (b, b_number, b_sources) in itertools.combinations(joined, 2):
                for listed in (a_sources, b_sources):
                    if listed not in lists:
                        lists[listed] = nodes.source_iris(listed)
                made.append(((a_number, a), (b_number, b), (at, nodes.iri(at)), kind, label,
                             sorted({*lists[a_sources], *lists[b_sources]})))
        return made

    def all_edges(self) -> list[Edge]:
        return self.edges_between(np.flatnonzero(np.diff(self.table.hub_pointers)).astype(np.int32), None)
