"""The VoID and DCAT description of the dataset: what it holds, where to query and download it."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

import pyoxigraph as ox

from graph.editions.index import derived_file
from graph.namespaces import CG_IRI, ONTOLOGY_IRI
from graph.publish.dumps import whole_dumps
from graph.publish.linksets import Target, count_links
from graph.query.queries import page_query
from graph.store.seam import Store

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LICENCE = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCT}
KEPT_FILES = 16


def _n(namespace: str, term: str) -> ox.NamedNode:
    return ox.NamedNode(namespace + term)


def void_triples(store: Store, site: str) -> Iterator[ox.Triple]:
    """Triples describing the dataset served at this site address (ending in /), made one source at a time."""
    dataset = ox.NamedNode(site + ".well-known/void#casegraph")
    yield from [
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
    for dump in whole_dumps():
        yield from _distribution(dataset, site, dump.filename, dump.media_type)
    yield from _linksets(store, dataset, site)
    sizes = {row["graph"].value: row["triples"].value for row in store.select(page_query("graph-sizes"))}
    for graph in store.source_graphs():
        yield from _subset(store, dataset, graph, site, sizes.get(graph.value, "0"))


def _linksets(store: Store, dataset: ox.NamedNode, site: str) -> Iterator[ox.Triple]:
    """A void:Linkset per target dataset and link predicate, with its triples counted in the store's source graphs."""
    described: set[str] = set()
    for (target, predicate), triples in _in_order(count_links(store)):
        other = ox.NamedNode(f"{site}.well-known/void#{target.name}")
        if target.name not in described:
            described.add(target.name)
            yield from [
                ox.Triple(other, RDF_TYPE, _n(VOID, "Dataset")),
                ox.Triple(other, _n(DCT, "title"), ox.Literal(target.title, language="en")),
                ox.Triple(other, _n(VOID, "uriSpace"), ox.Literal(target.uri_space)),
            ]
        linkset = ox.NamedNode(f"{site}.well-known/void#links-{target.name}-{predicate.rsplit('/', 1)[-1].rsplit('#', 1)[-1]}")
        yield from [
            ox.Triple(dataset, _n(VOID, "subset"), linkset),
            ox.Triple(linkset, RDF_TYPE, _n(VOID, "Linkset")),
            ox.Triple(linkset, _n(VOID, "subjectsTarget"), dataset),
            ox.Triple(linkset, _n(VOID, "objectsTarget"), other),
            ox.Triple(linkset, _n(VOID, "target"), dataset),
            ox.Triple(linkset, _n(VOID, "target"), other),
            ox.Triple(linkset, _n(VOID, "linkPredicate"), ox.NamedNode(predicate)),
            ox.Triple(linkset, _n(VOID, "triples"), ox.Literal(str(triples), datatype=INTEGER)),
        ]


def _in_order(counts: dict[tuple[Target, str], int]) -> list[tuple[tuple[Target, str], int]]:
    return sorted(counts.items(), key=lambda item: (item[0][0].name, item[0][1]))


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


def _subset(store: Store, dataset: ox.NamedNode, graph: ox.NamedNode, site: str, size: str) -> list[ox.Triple]:
    triples = [
        ox.Triple(dataset, _n(VOID, "subset"), graph),
        ox.Triple(graph, RDF_TYPE, _n(VOID, "Dataset")),
        ox.Triple(graph, _n(VOID, "triples"), ox.Literal(size, datatype=INTEGER)),
        ox.Triple(graph, _n(VOID, "dataDump"), ox.NamedNode(f"{site}dumps/{graph.value.rsplit('/', 1)[-1]}.nq")),
        ox.Triple(graph, _n(DCT, "source"), graph),
    ]
    for quad in store.quads_for_pattern(graph, _n(DCT, "title"), None, store.catalog):
        triples.append(ox.Triple(graph, _n(DCT, "title"), quad.object))
    return triples


def open_description(store_dir: Path, base: str, site: str, rdf_format: ox.RdfFormat, folder: Path) -> BinaryIO:
    """The description in an RDF format, opened from a file kept in a folder for the store, written when first asked for.

    It reads the whole store, so a process of its own writes it, as its triples are made: at
    100,000 cases (68 MB of Turtle) writing it raised the peak of a process by 220 MB, against
    614 MB made whole in memory. It names the site it is served at, which the Host header sets,
    so only the KEPT_FILES sites and formats asked for last keep their files. The file is opened
    before it is put in place (see derived_file), so a prune by another request cannot take it away.
    """
    path = folder / f"void-{hashlib.sha256(site.encode()).hexdigest()[:16]}.{rdf_format.file_extension}"
    handle = derived_file(path, write_description, store_dir, base, site, rdf_format.file_extension)
    with contextlib.suppress(FileNotFoundError):  # pruned already: this request has it open all the same
        os.utime(path)  # last asked for now: the files are pruned in the order they were last asked for
    _prune(folder)
    return handle


def write_description(store: Store, output: IO[bytes], site: str, extension: str) -> None:
    """Write the description of a store served at a site, in the RDF format of a file extension."""
    ox.serialize(void_triples(store, site), output, ox.RdfFormat.from_extension(extension), prefixes=PREFIXES)


def _prune(folder: Path) -> None:
    """Remove the descriptions beyond the KEPT_FILES last asked for (other requests may be removing them too)."""
    dated = []
    for path in folder.glob("void-*"):
        try:
            dated.append((path.stat().st_mtime_ns, path))
        except FileNotFoundError:
            continue
    for _, stale in sorted(dated, reverse=True)[KEPT_FILES:]:
        stale.unlink(missing_ok=True)
