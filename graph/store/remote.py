"""A SPARQL 1.1 store over HTTP behind the store seam: the SPARQL Protocol for queries, SPARQL Update for loads and writes.

The store keeps what the embedded one keeps: one named graph per source, the catalog, the ontology,
and their merge in the default graph, each triple once. A store whose default graph is the union of
all its graphs (Virtuoso, GraphDB, QLever) would count a triple once for each graph stating it, and
would add graphs of its own: there the merge is kept in a named graph (graph.namespaces.merged_graph),
given as the default graph of every query that names no dataset of its own, and the graphs
casegraph reads or writes are only its own. Queries are sent with the base and the
usual prefixes declared before them, and the IRIs a query is given declared as prefixes of their
names (graph/store/seam.py), each written by pyoxigraph. Answers come back in pyoxigraph's result
types (`pyoxigraph.parse_query_results`), so callers cannot tell the stores apart.

This module's own queries bind terms by a VALUES block at the head of their pattern. A caller's
query with variables to substitute is refused: the protocol has no parameters, and a VALUES block
added after a query is joined after its filters and aggregates, so it would not mean the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

import httpx
import pyoxigraph as ox

from graph.errors import CasegraphError, QueryError
from graph.namespaces import PREFIXES, merged_graph, source_prefix
from graph.store.durations import PROBE, as_months, mended, mended_results, mended_triples
from graph.store.seam import Prologue, QueryResult, Revision, Rows, SourceGraphs, asked, declared
from graph.store.updates import by_graph, changing

RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
TIMEOUT = 60.0  # seconds for one request; a query's own limit is the store's and the caller's
WHOLE_GRAPH = 3600.0  # seconds a read of the whole graph (the index files'), or a request of a build, may wait for the store
VIRTUOSO_ASK = ox.Variable("__ASK_RETVAL")  # the one variable of Virtuoso 7.2's answer to an ASK query, given as rows
LOAD_QUADS = 1_000  # quads a load request carries, with their copies in the merged graph: Virtuoso 7.2 refuses an
# INSERT DATA of about 4,000 triples over many graphs (SP031, the SQL it compiles it into is too long)
DROPS = 100  # graphs one request drops: Virtuoso 7.2 compiles a request into one code vector of at most 32 KB
ROW_BYTES = 16_384  # bytes of an answer read per row allowed, before the answer is known to be past the row cap


class RemoteStoreError(CasegraphError):
    """The remote store could not be reached, or answered with an error."""


@dataclass(frozen=True)
class Endpoints:
    """Where a remote dataset answers: its SPARQL query and update endpoints."""

    query: str
    update: str
    auth: tuple[str, str] | None = field(default=None, repr=False)
    dataset: str = "public"  # which of casegraph's datasets: "public", or "full" with the restricted sources
    union: bool = False  # the store's own default graph is the union of its graphs (Virtuoso, GraphDB, QLever)

    @property
    def place(self) -> tuple[str, str, bool]:
        """Where the dataset is and how its store reads it, without the credentials: what makes two settings the same."""
        return self.query, self.update, self.union


class RemoteStore(SourceGraphs):
    """A dataset in a SPARQL 1.1 store reached over HTTP (the Oxigraph server, Virtuoso, Fuseki, GraphDB, QLever)."""

    def __init__(self, endpoints: Endpoints, base: str, client: httpx.Client | None = None, timeout: float = TIMEOUT) -> None:
        self.endpoints, self.base = endpoints, base
        self._client = client or httpx.Client(timeout=timeout, auth=endpoints.auth)
        # BASE first: Virtuoso takes no BASE after a PREFIX, though SPARQL allows either order.
        self._base = f"BASE {ox.NamedNode(base)}\n"
        self._prefixes = {name: f"PREFIX {name}: {ox.NamedNode(iri)}\n" for name, iri in PREFIXES.items()}
        self._prologue = self._base + "".join(self._prefixes.values())
        self._merged = ox.NamedNode(merged_graph(base)) if endpoints.union else None
        self._as_default: dict[str, str | list[str]] = {"default-graph-uri": self._merged.value} if self._merged else {}
        self._months: bool | None = None  # whether the store gives durations back as months: asked at the first answer

    def query(self, text: str, form: str = "SELECT", prologue: Prologue | None = None,
              default_graph: list[ox.NamedNode] | None = None, named_graphs: list[ox.NamedNode] | None = None,
              **options: Any) -> QueryResult:
        """Run a query of any form over the merged graph (GRAPH over the named ones), or over the dataset given, answered
        as the embedded store answers."""
        if any(options.values()):
            raise QueryError(f"a remote store binds no variables of a query it is given ({', '.join(options)})")
        graphs = None if default_graph is None and named_graphs is None else (
            tuple(g.value for g in default_graph or ()), tuple(g.value for g in named_graphs or ()))
        answer = self._sent(text, form=form, graphs=graphs, prologue=prologue)
        return asked(answer) if form == "ASK" else answer

    def _sent(self, text: str, iris: dict[str, ox.NamedNode] | None = None, form: str = "SELECT",
              graphs: tuple[tuple[str, ...], tuple[str, ...]] | None = None, prologue: Prologue | None = None,
              mend: bool = True) -> QueryResult:
        """The store's answer to a query, its durations mended unless the caller mends them itself (`mend`)."""
        given = "".join(f"PREFIX {name}: {ox.NamedNode(iri)}\n" for name, iri in declared(iris).items())  # written by pyoxigraph
        answer = self._post(self.endpoints.query, self._fields(given + text, graphs, prologue), _accepted(form))
        kind = _media_type(answer)
        body = self._mended(answer.content, kind) if mend else answer.content
        if kind == NTRIPLES:
            try:
                return _as_query_triples(body)
            except SyntaxError as error:
                raise RemoteStoreError(f"the remote store's answer could not be read as {kind}: {error}") from None
        result = decoded(body, kind, None)  # the module's own queries: no row cap
        assert not isinstance(result, list)
        return result

    def answer(self, text: str, form: str, graphs: tuple[tuple[str, ...], tuple[str, ...]] | None, timeout: float,
               most_rows: int, prologue: Prologue | None = None, graph_names: tuple[str, ...] = ()) -> tuple[bytes, str]:
        """The bytes and media type of the store's answer to a caller's query of any form over the dataset (or the graphs
        named as its dataset); `decoded` reads them. Any thread may ask: the bytes are not yet pyoxigraph's objects,
        which must stay in the thread that made them.

        TimeoutError when the store has not answered within `timeout` seconds; OverflowError past as many bytes as
        `most_rows` rows could fill.
        """
        headers = {"Accept": _accepted(form)}
        body, kind = self._read(self.endpoints.query, self._fields(text, graphs, prologue, graph_names), headers, timeout,
                                most_rows * ROW_BYTES + ROW_BYTES)
        return self._mended(body, kind), kind

    def _mended(self, body: bytes, kind: str) -> bytes:
        """An answer of the store with its durations as the sources give them, if the store gives them back as months."""
        if not self.gives_months:
            return body
        try:
            return mended_results(body) if kind == RESULTS else mended_triples(body) if kind == NTRIPLES else body
        except (ValueError, SyntaxError) as error:  # json's and pyoxigraph's parsers report bad input so
            raise RemoteStoreError(f"the remote store's answer could not be read as {kind}: {error}") from None

    @property
    def gives_months(self) -> bool:
        """Whether the store gives a year-month duration back as its number of months (Virtuoso 7.2), asked of it once."""
        if self._months is None:
            (row,) = Rows(self._selected(self._sent(PROBE, mend=False)))
            self._months = as_months(row["d"])
        return self._months

    def _fields(self, text: str, graphs: tuple[tuple[str, ...], tuple[str, ...]] | None,
                prologue: Prologue | None = None, graph_names: tuple[str, ...] = ()) -> dict[str, str | list[str]]:
        """A query's form fields: its text after the base and prefixes it lacks, and its dataset (the merged graph when it
        names none).

        Given the merged graph as the default graph, a store whose default graph is all its graphs (Virtuoso 7.2) finds
        nothing in a graph a GRAPH pattern names by its IRI, as the protocol would have it: such a graph is then named
        too (`graph_names`, given only when no GRAPH pattern names its graph by a variable, which the named graphs
        given would narrow).
        """
        fields: dict[str, str | list[str]] = {"query": self._lacking(prologue) + text}
        if graphs is None:
            named = {"named-graph-uri": list(graph_names)} if self._merged and graph_names else {}
            return fields | self._as_default | named
        # The protocol's dataset: given at all, the default graph is only the graphs named in it.
        return fields | {"default-graph-uri": list(graphs[0]), "named-graph-uri": list(graphs[1])}

    def _lacking(self, prologue: Prologue | None) -> str:
        """casegraph's base and prefixes, less those a query's own prologue makes needless: a query with a BASE of its own
        then still reads as BASE-first wherever it declares its prefixes itself (Virtuoso needs that order)."""
        if prologue is None or prologue.wanted is None:
            return self._prologue
        return ("" if prologue.based else self._base) + "".join(self._prefixes[name] for name in prologue.wanted)

    def _read(self, url: str, form: dict[str, str | list[str]], headers: dict[str, str], timeout: float,
              most_bytes: int) -> tuple[bytes, str]:
        body = bytearray()
        try:
            with self._client.stream("POST", url, data=form, headers=headers, timeout=timeout) as answer:
                if answer.status_code >= 300:
                    answer.read()
                    self._refused(url, answer, asked=True)
                for chunk in answer.iter_bytes():
                    body += chunk
                    if len(body) > most_bytes:
                        raise OverflowError(most_bytes)
                kind = _media_type(answer)
        except httpx.TimeoutException:
            raise TimeoutError(timeout) from None
        except httpx.HTTPError as error:
            raise RemoteStoreError(f"the store at {url} could not be reached: {error}") from None
        return bytes(body), kind

    def select(self, text: str, iris: dict[str, ox.NamedNode] | None = None) -> Rows:
        """Run a SELECT query, each of `iris` declared as a prefix of its name, its rows read in full; QueryError else."""
        return Rows(self._solutions(text, iris))

    def scan(self, text: str) -> ox.QuerySolutions:
        """Run a SELECT query whose rows one thread reads through once."""
        return self._solutions(text, None)

    def _solutions(self, text: str, iris: dict[str, ox.NamedNode] | None) -> ox.QuerySolutions:
        result = self._sent(text, iris)
        if isinstance(result, ox.QuerySolutions) and result.variables != [VIRTUOSO_ASK]:
            return result
        # Not kept by the error's traceback: Virtuoso's answer to ASK is rows, which only this thread may drop.
        del result
        raise QueryError("expected a SELECT query")

    def _rows(self, head: str, pattern: str, bound: Mapping[str, ox.NamedNode | ox.Literal], modifiers: str = "",
              mend: bool = True) -> Rows:
        """The rows of this module's own query: `head WHERE { VALUES … pattern } modifiers`."""
        return Rows(self._selected(self._sent(f"{head} WHERE {{ {_values(bound)} {pattern} }} {modifiers}", mend=mend)))

    def _selected(self, result: QueryResult) -> ox.QuerySolutions:
        if isinstance(result, ox.QuerySolutions):
            return result
        del result  # as in _solutions
        raise RemoteStoreError(f"the store at {self.endpoints.query} answered a SELECT query with no rows")

    def graph_rows(self, head: str, pattern: str, bound: Mapping[str, ox.NamedNode | ox.Literal],
                   graph: ox.NamedNode) -> Rows:
        """The rows of a query of casegraph's own over one named graph, its terms bound by a VALUES block."""
        return self._rows(head, f"GRAPH ?graph {{ {pattern} }}", {**bound, "graph": graph})

    def graphs_stating(self, triples: Iterable[ox.Triple]) -> dict[ox.Triple, set[ox.NamedNode]]:
        """The named graphs that state each of the triples (in chunks: a source can hold thousands)."""
        found: dict[ox.Triple, set[ox.NamedNode]] = defaultdict(set)
        listed = list(dict.fromkeys(triples))
        for start in range(0, len(listed), 500):
            values = " ".join(f"({t.subject} {t.predicate} {t.object})" for t in listed[start:start + 500])
            query = f"SELECT DISTINCT ?s ?p ?o ?g WHERE {{ VALUES (?s ?p ?o) {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            for row in self._solutions(query, None):
                if isinstance(row["g"], ox.NamedNode):
                    found[ox.Triple(row["s"], row["p"], row["o"])].add(row["g"])
        return found

    def update(self, text: str) -> None:
        """Run a SPARQL Update request of casegraph's own (each term in it written by pyoxigraph), as one transaction."""
        self._request("POST", self.endpoints.update, data={"update": self._prologue + text})

    @property
    def merged(self) -> ox.NamedNode | None:
        """The named graph that holds the merged graph in a store whose default graph is all its graphs; None else."""
        return self._merged

    def _ask(self, pattern: str, bound: Mapping[str, ox.NamedNode | ox.Literal]) -> bool:
        # A row or none rather than ASK, which some stores answer with rows (Virtuoso 7.2), some with a boolean.
        return bool(self._rows("SELECT *", pattern, bound, "LIMIT 1"))

    def quads_for_pattern(self, subject: ox.NamedNode | ox.BlankNode | None, predicate: ox.NamedNode | None,
                          object: ox.NamedNode | ox.BlankNode | ox.Literal | None,  # noqa: A002 - the name pyoxigraph gives it
                          graph: ox.NamedNode | ox.DefaultGraph | None = None) -> Iterator[ox.Quad]:
        """The quads matching a pattern; with no graph given, those of the default graph too."""
        if isinstance(subject, ox.BlankNode) or isinstance(object, ox.BlankNode):
            raise QueryError("a remote store cannot be asked about a blank node: its labels are its own")
        bound = {name: term for name, term in (("s", subject), ("p", predicate), ("o", object)) if term is not None}
        found: list[ox.Quad] = []
        fix = self._object_mending()
        if graph is None or isinstance(graph, ox.DefaultGraph):
            rows = self._rows("SELECT ?s ?p ?o", "?s ?p ?o", bound, mend=False)
            found += (ox.Quad(*_spo(row, bound, fix)) for row in rows)
        if not isinstance(graph, ox.DefaultGraph):
            pattern, named = self._in_graphs(bound) if graph is None else ("GRAPH ?g { ?s ?p ?o }", bound | {"g": graph})
            rows = self._rows("SELECT ?s ?p ?o ?g", pattern, named, mend=False)
            found += (ox.Quad(*_spo(row, bound, fix), graph or row["g"]) for row in rows)
        return iter(found)

    def quads(self, graph: ox.NamedNode | None = None) -> Iterable[ox.Quad]:
        """The quads of every named graph, or of one (never the merged default graph's copies)."""
        if graph is not None:
            return self.quads_for_pattern(None, None, None, graph)
        fix = self._object_mending()
        rows = self._rows("SELECT ?s ?p ?o ?g", *self._in_graphs({}), mend=False)
        return [ox.Quad(row["s"], row["p"], fix(row["o"]), row["g"]) for row in rows]

    def _object_mending(self) -> Callable[[Any], Any]:
        """What to do to each object of a quad read from the store, for the reads that may hold the whole graph: mending
        such an answer before reading it would hold it all as Python's JSON objects."""
        return mended if self.gives_months else _same

    def source_graphs(self) -> list[ox.NamedNode]:
        """The names of the source graphs, sorted."""
        return sorted(self._sources(""), key=lambda g: g.value)

    def first_sources(self, count: int) -> list[ox.NamedNode]:
        """Up to `count` source graphs, read no further."""
        return self._sources(f"LIMIT {int(count)}")

    def _sources(self, modifiers: str) -> list[ox.NamedNode]:
        rows = self._rows("SELECT DISTINCT ?g", "GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix))",
                          {"prefix": ox.Literal(source_prefix(self.base))}, modifiers)
        return [row["g"] for row in rows if isinstance(row["g"], ox.NamedNode)]

    def has_graph(self, graph: ox.NamedNode) -> bool:
        """Whether the store holds a named graph of this name."""
        return self._ask("GRAPH ?g { ?s ?p ?o }", {"g": graph})

    def describes(self, iri: str) -> bool:
        """Whether the store states anything of the IRI as a subject."""
        return self._ask("?s ?p ?o", {"s": ox.NamedNode(iri)})

    def __len__(self) -> int:
        """The number of distinct triples: the size of the merged graph."""
        return self._count("?s ?p ?o", {})

    def count(self, graph: ox.NamedNode) -> int:
        """Number of triples in one graph."""
        return self._count("GRAPH ?g { ?s ?p ?o }", {"g": graph})

    def statements(self) -> int:
        """The number of quads in the named graphs."""
        return self._count(*self._in_graphs({}))

    def _in_graphs(self, bound: Mapping[str, ox.NamedNode | ox.Literal]) -> tuple[str, dict[str, ox.NamedNode | ox.Literal]]:
        """A pattern over the quads of casegraph's named graphs, and its bindings: a filter keeps only the sources, catalog
        and ontology, leaving out the front-ends' change log and, in a union-default store, the merged graph and the
        store's own graphs."""
        own: dict[str, ox.NamedNode | ox.Literal] = {"prefix": ox.Literal(source_prefix(self.base)),
                                                     "catalog": self.catalog, "ontology": self.ontology}
        return "GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix) || ?g IN (?catalog, ?ontology))", {**bound, **own}

    def _count(self, pattern: str, bound: Mapping[str, ox.NamedNode | ox.Literal]) -> int:
        (row,) = self._rows("SELECT (COUNT(*) AS ?n)", pattern, bound)
        return int(row["n"].value)

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> None:
        """Write the named graphs (quad formats), one named graph, or the merged graph to a binary stream."""
        if graph is None:
            ox.serialize(self.quads(), output, fmt, prefixes=PREFIXES)
            return
        triples = (quad.triple for quad in self.quads_for_pattern(None, None, None, graph))
        ox.serialize(triples, output, fmt, prefixes=PREFIXES)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Load quads into their named graphs, and their triples into the merged graph, in SPARQL Update requests of at
        most LOAD_QUADS quads each: graphs share a request or are split between requests, but one with blank nodes is
        sent whole, as a blank node's label holds within one request."""
        for batch in _batches(by_graph(quads), LOAD_QUADS):
            merged = list(dict.fromkeys(triple for triples in batch.values() for triple in triples))
            self.update(" ;\n".join(changing("INSERT", {**batch, self._merged: merged})))

    def clear(self) -> None:
        """Empty the dataset of what casegraph keeps in it (its source, catalog and ontology graphs, and their merge)."""
        drops = [f"DROP SILENT GRAPH {graph}" for graph in (*self.source_graphs(), self.catalog, self.ontology)]
        drops.append(f"DROP SILENT GRAPH {self._merged}" if self._merged else "DROP SILENT DEFAULT")
        for start in range(0, len(drops), DROPS):
            self.update(" ;\n".join(drops[start:start + DROPS]))

    def flush(self) -> None:
        """Nothing to do: the remote store made each load durable before answering it."""

    def revised(self, target: Path, graphs: Iterable[ox.NamedNode], quads: Collection[ox.Quad]) -> Revision:
        """Not yet: revising a remote dataset in place, with the change counter other front-ends follow, is to come."""
        raise RemoteStoreError("writes to a remote store are not supported yet: build it anew with `casegraph build`")

    def close(self) -> None:
        """Close the connections to the store."""
        self._client.close()

    def _post(self, url: str, form: dict[str, str | list[str]], accept: str) -> httpx.Response:
        return self._request("POST", url, data=form, headers={"Accept": accept}, asked=True)

    def _request(self, method: str, url: str, asked: bool = False, **arguments: Any) -> httpx.Response:
        try:
            answer = self._client.request(method, url, **arguments)
        except httpx.HTTPError as error:
            raise RemoteStoreError(f"the store at {url} could not be reached: {error}") from None
        if answer.status_code < 300:
            return answer
        self._refused(url, answer, asked)

    @staticmethod
    def _refused(url: str, answer: httpx.Response, asked: bool) -> NoReturn:
        """A query the store refuses is the asker's to mend, told in the store's words (without its address); anything
        else it refuses, casegraph's own loads and updates among them, is the store's failure."""
        if answer.status_code == 400 and asked:
            raise QueryError(f"the query is not valid SPARQL for the store: {answer.text[:300]}")
        raise RemoteStoreError(f"the store at {url} answered {answer.status_code}: {answer.text[:300]}")


Answer = ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]


Graph = ox.NamedNode | None


def _batches(graphs: dict[Graph, list[ox.Triple]], size: int) -> Iterator[dict[Graph, list[ox.Triple]]]:
    """Graphs' triples in batches of at most `size` (a graph with blank nodes whole, whatever its size)."""
    batch: dict[Graph, list[ox.Triple]] = defaultdict(list)
    count = 0
    for graph, triples in graphs.items():
        whole = any(isinstance(term, ox.BlankNode) for triple in triples for term in (triple.subject, triple.object))
        step = max(len(triples), 1) if whole else size
        for start in range(0, len(triples), step):
            piece = triples[start:start + step]
            if count and count + len(piece) > size:
                yield batch
                batch, count = defaultdict(list), 0
            batch[graph] += piece
            count += len(piece)
    if count:
        yield batch


def decoded(body: bytes, kind: str, most_rows: int | None, ask: bool = False) -> Answer:
    """A remote store's answer as pyoxigraph's results; OverflowError past `most_rows` rows or triples (if given).

    Given `ask`, the answer to an ASK query is true or false even from a store that answers ASK with a row for true
    and none for false (Virtuoso 7.2's `__ASK_RETVAL`).
    """
    try:
        return _decoded(body, kind, most_rows, ask)
    except SyntaxError as error:  # pyoxigraph's parsers report bad input so
        raise RemoteStoreError(f"the remote store's answer could not be read as {kind}: {error}") from None


def _decoded(body: bytes, kind: str, most_rows: int | None, ask: bool) -> Answer:
    if ask and kind == RESULTS:
        return asked(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))
    if kind == NTRIPLES:
        triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        if most_rows is not None and len(triples) > most_rows:
            raise OverflowError(most_rows)
        return triples
    if kind != RESULTS:
        raise RemoteStoreError(f"the remote store answered {kind or 'no type'}, neither SPARQL results nor N-Triples")
    if most_rows is None:
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    counted = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    over = isinstance(counted, ox.QuerySolutions) and sum(1 for _ in counted) > most_rows
    del counted  # not kept by the error's traceback: only this thread may drop it
    if over:
        raise OverflowError(most_rows)
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)  # read again: the count used up the first


def _accepted(form: str) -> str:
    """The Accept header for a query of this form: the format its answer comes in, the other after it."""
    return f"{NTRIPLES}, {RESULTS};q=0.9" if form in ("CONSTRUCT", "DESCRIBE") else f"{RESULTS}, {NTRIPLES};q=0.9"


def _media_type(answer: httpx.Response) -> str:
    header: str = answer.headers.get("content-type", "")
    return header.split(";")[0].strip()


def _as_query_triples(body: bytes) -> QueryResult:
    """A CONSTRUCT or DESCRIBE answer in N-Triples as the embedded store's result type.

    pyoxigraph makes QueryTriples only as a query's answer: the triples are loaded into a store in
    memory and constructed again, which keeps them as they came (an answer is a set of triples).
    """
    held = ox.Store()
    held.bulk_load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    return held.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def _values(bound: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """A VALUES block binding each variable to its term, each written by pyoxigraph (N-Triples syntax, escaped)."""
    if not bound:
        return ""
    variables, terms = zip(*bound.items(), strict=True)
    return f"VALUES ({' '.join(str(ox.Variable(v)) for v in variables)}) {{ ({' '.join(str(t) for t in terms)}) }}"


def _spo(row: ox.QuerySolution, bound: Mapping[str, ox.NamedNode | ox.Literal],
         fix: Callable[[Any], Any]) -> tuple[Any, Any, Any]:
    """A row's subject, predicate and object, those bound taken from the pattern (a VALUES-bound variable is projected too),
    the object read from the store passed through `fix`."""
    return bound.get("s") or row["s"], bound.get("p") or row["p"], bound.get("o") or fix(row["o"])


def _same(term: Any) -> Any:
    return term
