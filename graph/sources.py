"""Source documents as files: one TriG file per document, its facts in a graph named by its IRI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import SourceFileError
from casegraph.namespaces import CG_IRI, catalog_graph, source_prefix

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CG_SOURCE = ox.NamedNode(CG_IRI + "source")
CG_SOURCE_DOCUMENT = ox.NamedNode(CG_IRI + "SourceDocument")


@dataclass(frozen=True)
class SourceFile:
    """A parsed source document: its graph name, its facts and its catalog description."""

    path: Path
    graph: ox.NamedNode
    quads: tuple[ox.Quad, ...]

    @property
    def name(self) -> str:
        """Short name of the source: the last segment of its IRI."""
        return self.graph.value.rsplit("/", 1)[-1]


def source_files(directory: Path) -> list[Path]:
    """The TriG files of a sources directory, in a stable order."""
    if not directory.is_dir():
        raise SourceFileError(str(directory), "is not a directory of source files")
    return sorted(directory.glob("*.trig"))


def read_source(path: Path, base: str) -> SourceFile:
    """Parse one source file and check its layout; raise SourceFileError naming what is wrong."""
    quads = _parse(path, base)
    graph = _source_graph(path, quads, base)
    _check_catalog(path, quads, graph, base)
    _check_citations(path, quads, graph)
    return SourceFile(path=path, graph=graph, quads=tuple(quads))


def _parse(path: Path, base: str) -> list[ox.Quad]:
    try:
        return list(ox.parse(path=path, format=ox.RdfFormat.TRIG, base_iri=base))
    except SyntaxError as error:
        raise SourceFileError(str(path), f"is not valid TriG: {error}") from None
    except OSError as error:
        raise SourceFileError(str(path), f"cannot be read: {error.strerror or error}") from None


def _source_graph(path: Path, quads: list[ox.Quad], base: str) -> ox.NamedNode:
    catalog = ox.NamedNode(catalog_graph(base))
    names = {q.graph_name for q in quads} - {catalog}
    if any(isinstance(name, ox.DefaultGraph) for name in names):
        raise SourceFileError(str(path), "has triples outside any named graph; put every fact in the source's graph")
    if len(names) != 1:
        found = ", ".join(sorted(str(n) for n in names)) or "none"
        raise SourceFileError(str(path), f"must hold exactly one source graph besides {catalog}; found {found}")
    (graph,) = names
    if not isinstance(graph, ox.NamedNode) or not graph.value.startswith(source_prefix(base)):
        raise SourceFileError(str(path), f"its graph {graph} must be named by an IRI under {source_prefix(base)}")
    return graph


def _check_catalog(path: Path, quads: list[ox.Quad], graph: ox.NamedNode, base: str) -> None:
    catalog = ox.NamedNode(catalog_graph(base))
    described = [q for q in quads if q.graph_name == catalog]
    strangers = sorted({str(q.subject) for q in described if q.subject != graph})
    if strangers:
        raise SourceFileError(str(path), f"may describe only its own source {graph} in {catalog}, not {', '.join(strangers)}")
    if not any(q.predicate == RDF_TYPE and q.object == CG_SOURCE_DOCUMENT for q in described):
        raise SourceFileError(str(path), f"must describe {graph} as a cg:SourceDocument in the graph {catalog}")


def _check_citations(path: Path, quads: list[ox.Quad], graph: ox.NamedNode) -> None:
    for quad in quads:
        if quad.graph_name == graph and quad.predicate == CG_SOURCE and quad.object != graph:
            raise SourceFileError(
                str(path), f"{quad.subject} cites {quad.object} with cg:source inside the graph of {graph}; "
                "a record in a source's graph must cite that source"
            )
