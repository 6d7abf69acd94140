"""Exports of the store in the standard RDF formats: the whole dataset, the merged graph, or one source."""

from __future__ import annotations

from collections.abc import Iterable
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


def write(quads: Iterable[ox.Quad], fmt: ExportFormat, output: IO[bytes]) -> None:
    """Write quads in a format: quad formats keep graph names, triple formats write their merge."""
    if fmt.name == "jsonld":
        _write_jsonld(quads, output)
    elif fmt.quads:
        ox.serialize(quads, output, fmt.rdf_format, prefixes=_prefixes(fmt))
    else:
        ox.serialize(list(dict.fromkeys(q.triple for q in quads)), output, fmt.rdf_format, prefixes=_prefixes(fmt))


def export(store: CaseStore, fmt: ExportFormat, output: IO[bytes], graph: ox.NamedNode | None = None) -> None:
    """Write the whole store, or one of its graphs, to a binary stream."""
    if graph is None and fmt.quads:
        # The engine's own writer for the whole dataset. For JSON-LD that is the expanded form, without the
        # compacting context: rdflib compacts 30,000 quads a second, so a million would take most of a minute.
        store.dump(output, fmt.rdf_format)
    elif graph is None:
        # The merged default graph holds each triple once: the engine writes it without Python in between.
        store.oxigraph.dump(output, fmt.rdf_format, from_graph=ox.DefaultGraph(), prefixes=_prefixes(fmt))
    else:
        write(store.quads(graph), fmt, output)


def _prefixes(fmt: ExportFormat) -> dict[str, str] | None:
    return None if fmt.rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS) else PREFIXES


def _write_jsonld(quads: Iterable[ox.Quad], output: IO[bytes]) -> None:
    # Compacted with the shipped context, embedded inline: readable keys and no remote context to fetch.
    data = Dataset()
    data.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS), format="nquads")
    text = data.serialize(format="json-ld", context=shipped_context()["@context"], auto_compact=True)
    output.write(text.encode("utf-8"))
