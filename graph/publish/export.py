"""Exports of the store in the standard RDF formats: the whole dataset, the merged graph, or one source."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import pyoxigraph as ox
from rdflib import BNode, Graph

from graph.errors import UsageError
from graph.namespaces import PREFIXES, blank_node_text
from graph.publish.jsonld import shipped_context
from graph.store.seam import Store


@dataclass(frozen=True)
class ExportFormat:
    """An RDF serialisation casegraph writes."""

    name: str
    rdf_format: ox.RdfFormat
    extension: str
    media_type: str
    quads: bool  # keeps graph names (provenance) when exporting everything


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("turtle", ox.RdfFormat.TURTLE, "ttl", "text/turtle", False),
        ExportFormat("ntriples", ox.RdfFormat.N_TRIPLES, "nt", "application/n-triples", False),
        ExportFormat("nquads", ox.RdfFormat.N_QUADS, "nq", "application/n-quads", True),
        ExportFormat("trig", ox.RdfFormat.TRIG, "trig", "application/trig", True),
        ExportFormat("jsonld", ox.RdfFormat.JSON_LD, "jsonld", "application/ld+json", True),
        ExportFormat("rdfxml", ox.RdfFormat.RDF_XML, "rdf", "application/rdf+xml", False),
    )
}


def export_format(name: str) -> ExportFormat:
    """The export format of this name; UsageError lists the names there are."""
    if name not in FORMATS:
        raise UsageError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[name]


def write(quads: Iterable[ox.Quad], fmt: ExportFormat, output: IO[bytes]) -> None:
    """Write quads in a format: quad formats keep graph names, triple formats write their merge."""
    if fmt.name == "jsonld":
        _write_jsonld(quads, output)
    elif fmt.quads:
        ox.serialize(quads, output, fmt.rdf_format, prefixes=_prefixes(fmt))
    else:
        ox.serialize(list(dict.fromkeys(q.triple for q in quads)), output, fmt.rdf_format, prefixes=_prefixes(fmt))


def export(store: Store, fmt: ExportFormat, output: IO[bytes], graph: ox.NamedNode | None = None) -> None:
    """Write the whole store, or one of its graphs, to a binary stream."""
    if graph is None and fmt.quads:
        # The engine's own writer for the whole dataset. For JSON-LD that is the expanded form, without the
        # compacting context: rdflib compacts 30,000 quads a second, so a million would take most of a minute.
        store.dump(output, fmt.rdf_format)
    elif graph is None:
        # The merged default graph holds each triple once: the engine writes it without Python in between.
        store.dump(output, fmt.rdf_format, ox.DefaultGraph())
    else:
        write(store.quads(graph), fmt, output)


def _prefixes(fmt: ExportFormat) -> dict[str, str] | None:
    return None if fmt.rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS) else PREFIXES


def _write_jsonld(quads: Iterable[ox.Quad], output: IO[bytes]) -> None:
    """One JSON-LD document: the default graph's nodes at the top level, each named graph as an object of its own.

    Compacted with the shipped context, embedded inline: readable keys and no remote context to fetch.
    rdflib writes a dataset's default graph as a graph object without an @id, which JSON-LD reads as
    a graph named by a blank node, so each graph is compacted by rdflib alone and the document put
    together here.
    """
    graphs: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Triple]] = {}
    for quad in quads:
        graphs.setdefault(quad.graph_name, []).append(quad.triple)
    context, blank = shipped_context()["@context"], dict[str, BNode]()  # one blank node stays one across the graphs
    items = _compacted(graphs.pop(ox.DefaultGraph(), []), context, blank)
    items += [{"id": _node_id(name), "@graph": _compacted(triples, context, blank)} for name, triples in graphs.items()]
    # One named graph alone (a source's dump) is the document itself, named at the top.
    document = items[0] if len(items) == 1 and "@graph" in items[0] else {"@graph": items}
    text = json.dumps({"@context": context, **document}, indent=2, ensure_ascii=False)
    output.write(text.encode("utf-8"))


def _compacted(triples: list[ox.Triple], context: dict[str, Any], blank: dict[str, BNode]) -> list[dict[str, Any]]:
    """The node objects of one graph, compacted with the context."""
    if not triples:
        return []
    graph = Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt", bnode_context=blank)
    document: dict[str, Any] = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    del document["@context"]
    nodes: list[dict[str, Any]] = document["@graph"] if set(document) == {"@graph"} else [document]
    return nodes


def _node_id(name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    if isinstance(name, ox.BlankNode):
        return blank_node_text(name)
    return name.value if isinstance(name, ox.NamedNode) else str(name)
