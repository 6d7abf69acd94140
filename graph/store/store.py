"""The embedded Oxigraph store: one named graph per source, and their merge as the default graph.

The first implementation of the store seam (graph/store/seam.py); open it through graph/store/opening.py.

Queries read the default graph, which holds each triple any named graph states, once. Oxigraph's
own union of the named graphs (use_default_graph_as_union) gives a triple once for every graph
stating it, so counts and rows came out too many; a real default graph, kept by the build and by
every write (graph/editions/build.py, graph/editions/revise.py), is the set the SPARQL dataset means.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from graph.errors import NotFound, QueryError
from graph.iris import DEFAULT_BASE
from graph.namespaces import PREFIXES, source_prefix
from graph.store.seam import Prologue, QueryResult, Revision, Rows, SourceGraphs, declared

__all__ = ["OxigraphStore", "QueryResult", "merged", "named"]


class OxigraphStore(SourceGraphs):
    """An embedded Oxigraph store holding the source graphs, the sources catalog and the ontology."""

    def __init__(self, store: ox.Store, base: str = DEFAULT_BASE) -> None:
        self.oxigraph = store
        self.base = base

    @classmethod
    def open(cls, path: Path, base: str = DEFAULT_BASE, read_only: bool = False) -> OxigraphStore:
        """Open the persistent store in a directory; it must have been built."""
        if not (path / "CURRENT").is_file():
            raise NotFound(f"no store at {path}: run `casegraph build` first")
        try:
            store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as error:
            raise NotFound(f"the store at {path} cannot be opened: {error}") from None
        return cls(store, base)

    @classmethod
    def create(cls, path: Path, base: str = DEFAULT_BASE) -> OxigraphStore:
        """A writable store in a directory, made empty if there is none."""
        return cls(ox.Store(str(path)), base)

    @classmethod
    def in_memory(cls, base: str = DEFAULT_BASE) -> OxigraphStore:
        """A store that lives in memory only."""
        return cls(ox.Store(), base)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Bulk-load quads, and their triples into the merged graph (not transactional: the build loads a fresh directory)."""
        listed = list(quads)
        self.oxigraph.bulk_extend(itertools.chain(listed, merged(listed)))

    def close(self) -> None:
        """Nothing to do: the embedded store closes when the last reference to it goes."""

    def flush(self) -> None:
        """Compact what bulk loading wrote and make it durable."""
        # Bulk loading leaves many overlapping files; a read-only store never compacts them, and every
        # term it decodes then costs a lookup in each (queries several times slower at 10,000 cases).
        self.oxigraph.optimize()
        self.oxigraph.flush()

    def revised(self, target: Path, graphs: Iterable[ox.NamedNode], quads: Collection[ox.Quad]) -> Revision:
        """Checkpoint this store into `target` and change the checkpoint: the graphs out, the quads in; flushed on return.

        A checkpoint shares the store's files by hard links, so its cost does not grow with the graph.
        """
        shutil.rmtree(target, ignore_errors=True)
        self.oxigraph.backup(str(target))
        store = ox.Store(str(target))
        revision = _remove(store, graphs, self.catalog)
        store.extend(itertools.chain(quads, merged(quads)))
        store.flush()
        del store  # closed before the caller marks the revision complete
        return revision

    def query(self, text: str, form: str = "SELECT", prologue: Prologue | None = None,  # noqa: ARG002 - Oxigraph reads both itself
              **options: Any) -> QueryResult:
        """Run a SPARQL query over the merged graph (GRAPH over the named ones), relative IRIs resolved against the base."""
        return self._query(text, PREFIXES, options)

    def _query(self, text: str, prefixes: dict[str, str], options: dict[str, Any]) -> QueryResult:
        try:
            return self.oxigraph.query(text, base_iri=self.base, prefixes=prefixes, **options)
        except SyntaxError as error:
            raise QueryError(f"the query is not valid SPARQL: {error}") from None

    def select(self, text: str, iris: dict[str, ox.NamedNode] | None = None) -> Rows:
        """Run a SELECT query, each of `iris` declared as a prefix of its name (never pasted into the text), its rows read in
        full; QueryError else."""
        return Rows(self._solutions(text, iris))

    def scan(self, text: str) -> ox.QuerySolutions:
        """Run a SELECT query whose rows one thread reads through once, as they come."""
        return self._solutions(text, None)

    def _solutions(self, text: str, iris: dict[str, ox.NamedNode] | None) -> ox.QuerySolutions:
        result = self._query(text, PREFIXES | declared(iris), {})
        if isinstance(result, ox.QuerySolutions):
            return result
        del result  # not kept by the error's traceback: only this thread may drop pyoxigraph's results
        raise QueryError("expected a SELECT query")

    def source_graphs(self) -> list[ox.NamedNode]:
        """The names of the source graphs, sorted."""
        return sorted(self._source_graphs(), key=lambda g: g.value)

    def _source_graphs(self) -> Iterator[ox.NamedNode]:
        prefix = source_prefix(self.base)
        return (g for g in self.oxigraph.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(prefix))

    def first_sources(self, count: int) -> list[ox.NamedNode]:
        """Up to `count` source graphs, read no further."""
        return list(itertools.islice(self._source_graphs(), count))

    def has_graph(self, graph: ox.NamedNode) -> bool:
        """Whether the store holds a named graph of this name: one lookup."""
        return self.oxigraph.contains_named_graph(graph)

    def describes(self, iri: str) -> bool:
        """Whether the store states anything of the IRI as a subject."""
        return next(self.oxigraph.quads_for_pattern(ox.NamedNode(iri), None, None), None) is not None

    def quads_for_pattern(self, subject: ox.NamedNode | ox.BlankNode | None, predicate: ox.NamedNode | None,
                          object: ox.NamedNode | ox.BlankNode | ox.Literal | None,  # noqa: A002 - the name pyoxigraph gives it
                          graph: ox.NamedNode | ox.DefaultGraph | None = None) -> Iterator[ox.Quad]:
        """The quads matching a pattern; with no graph given, those of the default graph too."""
        return self.oxigraph.quads_for_pattern(subject, predicate, object, graph)

    def quads(self, graph: ox.NamedNode | None = None) -> Iterable[ox.Quad]:
        """The quads of every named graph, or those of one graph (never the merged default graph's copies)."""
        if graph is not None:
            return self.oxigraph.quads_for_pattern(None, None, None, graph)
        # Graph by graph: as fast as the engine's own dump, where testing each quad's graph in Python took twice as long.
        every = self.oxigraph.quads_for_pattern
        return itertools.chain.from_iterable(every(None, None, None, g) for g in self.oxigraph.named_graphs())

    def __len__(self) -> int:
        """The number of distinct triples: the size of the merged graph, counted by the engine."""
        solution = next(iter(self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
        return int(solution["n"].value)

    def count(self, graph: ox.NamedNode) -> int:
        """Number of triples in one graph."""
        return sum(1 for _ in self.quads(graph))

    def statements(self) -> int:
        """The number of quads in the named graphs: every quad the engine holds but the merged graph's."""
        return len(self.oxigraph) - len(self)

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> None:
        """Write the named graphs (quad formats), one named graph, or the merged graph to a binary stream.

        The whole dump leaves the merged graph out: its triples are already there, in the graphs stating them.
        """
        if graph is None:
            ox.serialize(self.quads(), output, fmt, prefixes=PREFIXES)
        else:
            self.oxigraph.dump(output, fmt, from_graph=graph, prefixes=PREFIXES)


def _remove(store: ox.Store, graphs: Iterable[ox.NamedNode], catalog: ox.NamedNode) -> Revision:
    """Take out source graphs and their catalog entries, and from the merged graph what no graph left states."""
    taken, gone = list[ox.Quad](), 0
    for graph in graphs:
        entry = list(store.quads_for_pattern(graph, None, None, catalog))
        held = list(store.quads_for_pattern(None, None, None, graph))
        taken, gone = taken + entry + held, gone + bool(entry or held)  # a restricted one is not public
        for quad in entry:
            store.remove(quad)
        store.remove_graph(graph)
    for quad in taken:
        if not any(named(store.quads_for_pattern(quad.subject, quad.predicate, quad.object))):
            store.remove(ox.Quad(quad.subject, quad.predicate, quad.object))
    return Revision(removed=len(taken), gone=gone)


def named(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """The quads in named graphs: the merged default graph's copies left out."""
    return (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))


def merged(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """Each quad's triple in the default graph, where the store keeps the merge of its named graphs."""
    return (ox.Quad(q.subject, q.predicate, q.object) for q in quads)
