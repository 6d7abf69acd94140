"""The store seam: what the service, the networks, search, dumps and writes ask of a store, and nothing more.

The embedded Oxigraph store (graph/store/store.py) is the first implementation. Every member can be
answered by a remote SPARQL 1.1 store as well: reads as queries whose answers pyoxigraph's
parse_query_results turns into the same result types, and loads and revisions as SPARQL Update
requests. Stores are opened through graph/store/opening.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

import pyoxigraph as ox

from graph.errors import NotFound
from graph.namespaces import ONTOLOGY_IRI, PREFIXES, catalog_graph, source_prefix

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@dataclass(frozen=True)
class Revision:
    """What a revision took out of a store: how many quads (facts and catalog entries), and how many of the graphs it named."""

    removed: int
    gone: int


@dataclass(frozen=True)
class Prologue:
    """What a query's own prologue settles: whether it states a BASE, and which of casegraph's prefixes it uses without
    declaring them (None when not read: all of them are declared for it)."""

    based: bool = False
    wanted: tuple[str, ...] | None = None


def declared(iris: dict[str, ox.NamedNode] | None) -> dict[str, str]:
    """IRIs a query is given, as the prefixes that name them; ValueError for a name that is not a fresh prefix name."""
    for name in iris or {}:
        if not (name.isascii() and name.isidentifier()) or name in PREFIXES:
            raise ValueError(f"{name!r} cannot name an IRI given to a query: it must be a plain name that is not a prefix")
    return {name: iri.value for name, iri in (iris or {}).items()}


def asked(answer: QueryResult) -> ox.QueryBoolean:
    """An ASK query's answer as true or false, also from a store that answers ASK with a row for true and none for
    false (Virtuoso 7.2's `__ASK_RETVAL`)."""
    if isinstance(answer, ox.QueryBoolean):
        return answer
    found = b"true" if any(True for _ in answer) else b"false"
    boolean = ox.parse_query_results(b'{"head": {}, "boolean": %s}' % found, format=ox.QueryResultsFormat.JSON)
    assert isinstance(boolean, ox.QueryBoolean)
    return boolean


def graph_named(name: str, base: str) -> ox.NamedNode | None:
    """The graph a source IRI or short source name names, every store alike; None for text that is neither."""
    try:
        return ox.NamedNode(name if ":" in name else source_prefix(base) + name)
    except ValueError:
        return None


class SourceGraphs(ABC):
    """What every store derives alike from its base and a few reads of its own: the catalog and ontology graphs, and
    sources by IRI or short name."""

    base: str

    @abstractmethod
    def has_graph(self, graph: ox.NamedNode) -> bool:
        """Whether the store holds a named graph of this name."""

    @abstractmethod
    def source_graphs(self) -> list[ox.NamedNode]:
        """The names of the source graphs, sorted."""

    @abstractmethod
    def first_sources(self, count: int) -> list[ox.NamedNode]:
        """Up to `count` source graphs, read no further: enough to name a few."""

    @abstractmethod
    def quads(self, graph: ox.NamedNode | None = None) -> Iterable[ox.Quad]:
        """The quads of every named graph, or of one."""

    @abstractmethod
    def quads_for_pattern(self, subject: ox.NamedNode | ox.BlankNode | None, predicate: ox.NamedNode | None,
                          object: ox.NamedNode | ox.BlankNode | ox.Literal | None,  # noqa: A002 - the name pyoxigraph gives it
                          graph: ox.NamedNode | ox.DefaultGraph | None = None) -> Iterator[ox.Quad]:
        """The quads matching a pattern."""

    def __bool__(self) -> bool:
        """A store is there however little it holds: without this, its truth would be its length, a count of every triple."""
        return True

    @property
    def catalog(self) -> ox.NamedNode:
        """The graph describing every source document."""
        return ox.NamedNode(catalog_graph(self.base))

    @property
    def ontology(self) -> ox.NamedNode:
        """The graph holding the ontology."""
        return ox.NamedNode(ONTOLOGY_IRI)

    def graph(self, name: str) -> ox.NamedNode:
        """The named graph for a source IRI or short source name; NotFound if the store has none."""
        graph = graph_named(name, self.base)
        if graph is None:
            raise NotFound(f"{name!r} names no graph: it is not an IRI or a source name")
        if not self.has_graph(graph):
            # At most 21 read: listing every source would make each miss cost a second at 100,000 cases.
            few = sorted(g.value.rsplit("/", 1)[-1] for g in self.first_sources(21))
            known = ", ".join(few) if len(few) <= 20 else "too many to list here; they are listed at /dumps"
            raise NotFound(f"no graph {graph.value} in the store; known sources: {known}")
        return graph

    def has_source(self, name: str) -> bool:
        """Whether the store holds the graph of a source IRI or short source name."""
        graph = graph_named(name, self.base)
        return graph is not None and self.has_graph(graph)

    def source_names(self) -> list[str]:
        """Short names of the source graphs."""
        return [g.value.rsplit("/", 1)[-1] for g in self.source_graphs()]

    def source_quads(self, graph: ox.NamedNode) -> list[ox.Quad]:
        """A source's facts and its description in the catalog: what validation of that source needs."""
        return [*self.quads(graph), *self.quads_for_pattern(graph, None, None, self.catalog)]


class Rows(list[ox.QuerySolution]):
    """The rows of a SELECT query, read in full where the query ran, with its variables.

    pyoxigraph's QuerySolutions may not be dropped by a thread other than the one that made it, and
    the garbage collector does just that to one caught in a reference cycle (a traceback holding
    the frame that read it): the service answers requests on a pool of threads. Its rows may go anywhere.
    """

    def __init__(self, solutions: ox.QuerySolutions) -> None:
        try:
            super().__init__(solutions)
            self.variables: list[ox.Variable] = list(solutions.variables)
        finally:
            del solutions  # dropped here, in this thread, even when reading fails: no traceback takes them elsewhere


@runtime_checkable
class Store(Protocol):
    """A dataset of one named graph per source, a sources catalog and the ontology, with their merge as the default graph."""

    base: str

    @property
    def catalog(self) -> ox.NamedNode:
        """The graph describing every source document."""
        ...

    @property
    def ontology(self) -> ox.NamedNode:
        """The graph holding the ontology."""
        ...

    def query(self, text: str, form: str = "SELECT", prologue: Prologue | None = None, **options: Any) -> QueryResult:
        """Run a SPARQL query over the merged graph (GRAPH over the named ones), relative IRIs resolved against the base.

        `form` is the query's form as read (SELECT, ASK, CONSTRUCT or DESCRIBE): a remote store asks for the answer
        in the format of that form, as some stores (Virtuoso) answer in the first format asked for, whatever the form.
        `prologue` is what the query's own prologue settles, as read: a remote store declares only what it lacks.
        """
        ...

    def select(self, text: str, iris: dict[str, ox.NamedNode] | None = None) -> Rows:
        """Run a SELECT query, its rows read in full; QueryError for other forms.

        Each of `iris` is declared as a prefix of its name, which the query uses as a constant (`entity: ?p ?o`):
        an IRI reaches the query as a term, never as text pasted into it.
        """
        ...

    def scan(self, text: str) -> ox.QuerySolutions:
        """Run a SELECT query whose rows one thread reads through once, as they come: the whole graph's labels or edges."""
        ...

    def quads(self, graph: ox.NamedNode | None = None) -> Iterable[ox.Quad]:
        """The quads of every named graph, or of one (never the merged default graph's copies)."""
        ...

    def quads_for_pattern(self, subject: ox.NamedNode | ox.BlankNode | None, predicate: ox.NamedNode | None,
                          object: ox.NamedNode | ox.BlankNode | ox.Literal | None,  # noqa: A002 - the name pyoxigraph gives it
                          graph: ox.NamedNode | ox.DefaultGraph | None = None) -> Iterator[ox.Quad]:
        """The quads matching a pattern; with no graph given, those of the default graph too."""
        ...

    def source_quads(self, graph: ox.NamedNode) -> list[ox.Quad]:
        """A source's facts and its description in the catalog."""
        ...

    def source_graphs(self) -> list[ox.NamedNode]:
        """The names of the source graphs, sorted."""
        ...

    def source_names(self) -> list[str]:
        """Short names of the source graphs."""
        ...

    def graph(self, name: str) -> ox.NamedNode:
        """The named graph for a source IRI or short source name; NotFound if the store has none."""
        ...

    def has_graph(self, graph: ox.NamedNode) -> bool:
        """Whether the store holds a named graph of this name."""
        ...

    def has_source(self, name: str) -> bool:
        """Whether the store holds the graph of a source IRI or short source name."""
        ...

    def describes(self, iri: str) -> bool:
        """Whether the store states anything of the IRI as a subject."""
        ...

    def __len__(self) -> int:
        """The number of distinct triples: the size of the merged graph."""
        ...

    def count(self, graph: ox.NamedNode) -> int:
        """Number of triples in one graph."""
        ...

    def statements(self) -> int:
        """The number of quads in the named graphs: each triple counted once for each graph stating it."""
        ...

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> None:
        """Write the named graphs (quad formats), one named graph, or the merged graph to a binary stream."""
        ...

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to their named graphs, and their triples to the merged graph."""
        ...

    def flush(self) -> None:
        """Make what was added durable, laid out for reading."""
        ...

    def close(self) -> None:
        """Let go of what the store holds open (a remote store's connections); the store is not used after."""
        ...

    def revised(self, target: Path, graphs: Iterable[ox.NamedNode], quads: Collection[ox.Quad]) -> Revision:
        """Make at `target` this store with the graphs and their catalog entries taken out and the quads put in.

        This store is left as it is; the revision is durable when this returns.
        """
        ...
