"""SPARQL Update operations that add or take out ground triples in named graphs, each term written by pyoxigraph.

INSERT DATA and DELETE DATA are the fast forms: by hand, Virtuoso 7.2 took 30,000 triples in 0.8 s by
INSERT DATA requests of 500, and in 2.5 s by INSERT requests of 500 with an empty WHERE (10.6 s in
requests of 1,000: it compiles that form into more SQL, the longer the slower). But Virtuoso 7.2
refuses a duration in INSERT DATA or DELETE DATA (SR553, openlink/virtuoso-opensource#224), and takes
one in INSERT or DELETE with an empty WHERE, which mean the same: triples whose object is a duration
go in that form, in an operation of their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Literal

import pyoxigraph as ox

from graph.namespaces import PREFIXES

DURATIONS = frozenset(ox.NamedNode(PREFIXES["xsd"] + name) for name in ("duration", "yearMonthDuration", "dayTimeDuration"))

Blocks = Mapping[ox.NamedNode | None, Iterable[ox.Triple]]  # triples by graph; None is the default graph


def by_graph(quads: Iterable[ox.Quad]) -> dict[ox.NamedNode | None, list[ox.Triple]]:
    """Quads as triples by named graph (None for the default graph)."""
    found: dict[ox.NamedNode | None, list[ox.Triple]] = defaultdict(list)
    for quad in quads:
        found[quad.graph_name if isinstance(quad.graph_name, ox.NamedNode) else None].append(quad.triple)
    return found


def changing(verb: Literal["INSERT", "DELETE"], blocks: Blocks) -> list[str]:
    """The operations that insert or delete the triples in their graphs: `verb` DATA, and the durations apart."""
    plain: dict[ox.NamedNode | None, list[ox.Triple]] = defaultdict(list)
    durations: dict[ox.NamedNode | None, list[ox.Triple]] = defaultdict(list)
    for graph, triples in blocks.items():
        for triple in triples:
            is_duration = isinstance(triple.object, ox.Literal) and triple.object.datatype in DURATIONS
            (durations if is_duration else plain)[graph].append(triple)
    if any(isinstance(t.subject, ox.BlankNode) for triples in durations.values() for t in triples):
        # A blank node's label holds within one operation: its triples are not split between two.
        return [f"{verb} {{ {_blocks(blocks)} }} WHERE {{}}"]
    return ([f"{verb} DATA {{ {_blocks(plain)} }}"] if plain else []) + (
        [f"{verb} {{ {_blocks(durations)} }} WHERE {{}}"] if durations else [])


def _blocks(blocks: Blocks) -> str:
    return " ".join(_triples(triples) if graph is None else f"GRAPH {graph} {{ {_triples(triples)} }}"
                    for graph, triples in blocks.items())


def _triples(triples: Iterable[ox.Triple]) -> str:
    return " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
