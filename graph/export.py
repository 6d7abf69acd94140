"""Exports of the store in the standard RDF formats: the whole dataset, the merged graph, or one source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

import pyoxigraph as ox
from rdflib import Dataset

from casegraph.errors import UsageError
from casegraph.jsonld import shipped_context
from casegraph.namespaces import PREFIXES
from casegraph.store import CaseStore


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


def export(store: CaseStore, fmt: ExportFormat, output: IO[bytes], graph: ox.NamedNode | None = None) -> None:
    """Write the store to a binary stream.

    Quad formats write every graph with its name; triple formats write the merge of all graphs.
    With a graph, only that graph is written (under its name in quad formats).
    """
    if fmt.name == "jsonld":
        _export_jsonld(store, output, graph)
    elif graph is not None:
        ox.serialize(_graph_items(store, graph, fmt.quads), output, fmt.rdf_format, prefixes=_prefixes(fmt))
    elif fmt.quads:
        store.dump(output, fmt.rdf_format)
    else:
        ox.serialize(_merged(store), output, fmt.rdf_format, prefixes=_prefixes(fmt))


def _graph_items(store: CaseStore, graph: ox.NamedNode, quads: bool) -> list[ox.Quad] | list[ox.Triple]:
    found = list(store.quads(graph))
    return found if quads else [q.triple for q in found]


def _merged(store: CaseStore) -> list[ox.Triple]:
    return list(dict.fromkeys(q.triple for q in store.quads()))


def _prefixes(fmt: ExportFormat) -> dict[str, str] | None:
    return None if fmt.rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS) else PREFIXES


def _export_jsonld(store: CaseStore, output: IO[bytes], graph: ox.NamedNode | None) -> None:
    # Compacted with the shipped context, embedded inline: readable keys and no remote context to fetch.
    data = Dataset()
    data.parse(data=ox.serialize(store.quads(graph), format=ox.RdfFormat.N_QUADS), format="nquads")
    text = data.serialize(format="json-ld", context=shipped_context()["@context"], auto_compact=True)
    output.write(text.encode("utf-8"))
