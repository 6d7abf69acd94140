"""The VoID and DCAT description of the dataset: what it holds, where to query and download it."""

from __future__ import annotations

import io

import pyoxigraph as ox

from casegraph.dumps import dumps
from casegraph.namespaces import CG_IRI, ONTOLOGY_IRI
from casegraph.queries import page_query
from casegraph.store import CaseStore

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LICENCE = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCT}


def _n(namespace: str, term: str) -> ox.NamedNode:
    return ox.NamedNode(namespace + term)


def describe(store: CaseStore, site: str) -> list[ox.Triple]:
    """Triples describing the dataset served at this site address (ending in /)."""
    dataset = ox.NamedNode(site + ".well-known/void#casegraph")
    triples = [
        ox.Triple(dataset, RDF_TYPE, _n(VOID, "Dataset")),
        ox.Triple(dataset, RDF_TYPE, _n(DCAT, "Dataset")),
        ox.Triple(dataset, _n(DCT, "title"), ox.Literal("casegraph", language="en")),
        ox.Triple(dataset, _n(DCT, "description"), ox.Literal(
            "Cases of people persecuted by the Chinese state, every fact with its source.", language="en")),
        ox.Triple(dataset, _n(DCT, "license"), LICENCE),
        ox.Triple(dataset, _n(VOID, "sparqlEndpoint"), ox.NamedNode(site + "sparql")),
        ox.Triple(dataset, _n(VOID, "vocabulary"), ox.NamedNode(CG_IRI)),
        ox.Triple(dataset, _n(VOID, "vocabulary"), ox.NamedNode(ONTOLOGY_IRI)),
        ox.Triple(dataset, _n(VOID, "triples"), ox.Literal(str(len(store)), datatype=INTEGER)),
    ]
    for dump in dumps(store):
        if dump.source is None and not dump.gzipped:
            triples += _distribution(dataset, site, dump.filename, dump.media_type)
    sizes = {row["graph"].value: row["triples"].value for row in store.select(page_query("graph-sizes"))}
    for graph in store.source_graphs():
        triples += _subset(store, dataset, graph, site, sizes.get(graph.value, "0"))
    return triples


def _distribution(dataset: ox.NamedNode, site: str, filename: str, media_type: str) -> list[ox.Triple]:
    url = ox.NamedNode(site + "dumps/" + filename)
    distribution = ox.NamedNode(site + ".well-known/void#" + filename)
    return [
        ox.Triple(dataset, _n(VOID, "dataDump"), url),
        ox.Triple(dataset, _n(DCAT, "distribution"), distribution),
        ox.Triple(distribution, RDF_TYPE, _n(DCAT, "Distribution")),
        ox.Triple(distribution, _n(DCAT, "downloadURL"), url),
        ox.Triple(distribution, _n(DCAT, "mediaType"), ox.Literal(media_type)),
    ]


def _subset(store: CaseStore, dataset: ox.NamedNode, graph: ox.NamedNode, site: str, size: str) -> list[ox.Triple]:
    triples = [
        ox.Triple(dataset, _n(VOID, "subset"), graph),
        ox.Triple(graph, RDF_TYPE, _n(VOID, "Dataset")),
        ox.Triple(graph, _n(VOID, "triples"), ox.Literal(size, datatype=INTEGER)),
        ox.Triple(graph, _n(VOID, "dataDump"), ox.NamedNode(f"{site}dumps/{graph.value.rsplit('/', 1)[-1]}.nq")),
        ox.Triple(graph, _n(DCT, "source"), graph),
    ]
    for quad in store.oxigraph.quads_for_pattern(graph, _n(DCT, "title"), None, store.catalog):
        triples.append(ox.Triple(graph, _n(DCT, "title"), quad.object))
    return triples





def document(store: CaseStore, site: str, rdf_format: ox.RdfFormat) -> bytes:
    """The description serialised in an RDF format."""
    buffer = io.BytesIO()
    ox.serialize(describe(store, site), buffer, rdf_format, prefixes=PREFIXES)
    return buffer.getvalue()
