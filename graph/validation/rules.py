"""The ontology and the SHACL shapes, each read once per process, for every module that needs them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph

from graph.errors import NotFound
from graph.namespaces import SH
from graph.paths import ontology_files, shapes_files

Statement = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


@cache
def shapes_graph() -> Graph:
    """The SHACL shapes as an rdflib graph; no node shape at all is an error, never a pass."""
    graph = _parse_turtle(shapes_files())
    if not any(graph.subjects(RDF.type, SH.NodeShape)):
        raise NotFound("no SHACL node shapes found in shapes/; refusing to validate against nothing")
    return graph


@cache
def ontology_graph() -> Graph:
    """The ontology and its concept schemes as an rdflib graph."""
    return _parse_turtle(ontology_files())


@cache
def ontology_triples() -> tuple[Statement, ...]:
    """The ontology and its concept schemes as pyoxigraph terms, subject, predicate and object; Turtle states no triple terms."""
    parsed = (q for path in ontology_files() for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    return tuple((q.subject, q.predicate, q.object) for q in parsed
                 if not isinstance(q.subject, ox.Triple) and not isinstance(q.object, ox.Triple))


def _parse_turtle(paths: Iterable[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph
