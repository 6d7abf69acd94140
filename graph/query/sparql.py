"""The SPARQL 1.1 Protocol's logic, without the web: what may run, over which dataset, in which format."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from string import hexdigits
from typing import cast
from urllib.parse import urljoin

import pyoxigraph as ox
from pyparsing import ParseBaseException, ParseResults
from rdflib import URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import Query as SPARQL_QUERY
from rdflib.plugins.sparql.parserutils import CompValue

from graph.errors import QueryError, UsageError
from graph.namespaces import PREFIXES
from graph.query.plans import Dataset, Graphs, Plan, execute
from graph.store.seam import Prologue, QueryResult, Store

# Media types by result kind; the first of each is the default.
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}

@dataclass(frozen=True)
class Reading:
    """What the endpoint needs to know of a query, read from its parsed form: small, immutable, kept per text."""

    error: str | None = None  # why the query cannot be read; nothing else is known then
    service: bool = False  # it calls another endpoint somewhere
    default_graphs: tuple[str, ...] = ()  # its FROM clauses, resolved to absolute IRIs
    named_graphs: tuple[str, ...] = ()  # its FROM NAMED clauses, resolved
    text: str | None = None  # the text to run, when escapes made it differ from the text given
    form: str = "SELECT"  # SELECT, ASK, CONSTRUCT or DESCRIBE
    prologue: Prologue = Prologue()  # what its own prologue settles
    graph_names: tuple[str, ...] = ()  # the graphs its GRAPH patterns name, when none names its graph by a variable


KEPT_TEXT = 16_384  # longer queries are read afresh each time, so the kept readings stay small


def read_query(text: str, base: str) -> Reading:
    """Parse a query as SPARQL 1.1, as Oxigraph will run it with this base and casegraph's prefixes."""
    return _kept_reading(text, base) if len(text) <= KEPT_TEXT else _read_apart(text, base)


@lru_cache(maxsize=512)
def _kept_reading(text: str, base: str) -> Reading:
    return _read_apart(text, base)


def _read_apart(text: str, base: str) -> Reading:
    """The query's reading, made on a thread of its own.

    The parser leaves the exceptions it catches in reference cycles with their frames, and a frame kept
    keeps its callers' frames, with their locals, until the garbage collector frees them on whichever
    thread it next runs. A caller's query results would go with them, and pyoxigraph's may only be
    dropped by the thread that made them. A thread's frames lead to no caller.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="sparql-reader") as reader:
        return reader.submit(_reading, text, base).result()


def _reading(text: str, base: str) -> Reading:
    # Escapes are replaced once, here, and the result is both parsed and run: rdflib alone replaces them
    # everywhere before parsing and Oxigraph alone only inside strings and IRIs, so "\u0022" would end
    # a string for one and not for the other, and text one of them reads as a string the other would run.
    try:
        expanded = _expand_escapes(text)
        _refuse_lone_carriage_return(expanded)
        parsed = SPARQL_QUERY.parse_string(expanded, parse_all=True)
        names = [node for node in _nodes(parsed) if isinstance(node, CompValue)]
        if any(node.name == "ServiceGraphPattern" for node in names):
            return Reading(service=True)
        prologue = _prologue(cast(ParseResults, parsed[0]), {node.prefix for node in names if node.name == "pname"})
        _resolve_prologue(cast(ParseResults, parsed[0]), base)
        query = translateQuery(parsed, base=base, initNs=PREFIXES)
    except ParseBaseException as error:
        return Reading(error=f"the query is not valid SPARQL: error at line {error.lineno}, column {error.col}: "
                             f"{error.msg}, found {error.found}")
    except _Unreadable as error:
        return Reading(error=str(error))
    except RecursionError:
        return Reading(error="the query is not valid SPARQL: it nests too deeply to be read")
    except Exception as error:  # rdflib's algebra reports some bad input (an unknown prefix) with bare exceptions
        return Reading(error=f"the query is not valid SPARQL: {error}")
    final_base = query.prologue.base or base
    clauses = query.algebra.get("datasetClause") or []
    return Reading(default_graphs=tuple(urljoin(final_base, str(c.default)) for c in clauses if c.default is not None),
                   named_graphs=tuple(urljoin(final_base, str(c.named)) for c in clauses if c.named is not None),
                   text=None if expanded == text else expanded, form=query.algebra.name.removesuffix("Query").upper(),
                   prologue=prologue, graph_names=_graph_names(query.algebra))


def _graph_names(algebra: CompValue) -> tuple[str, ...]:
    """The IRIs of the graphs a query's GRAPH patterns name (those within EXISTS are left as parsed), or none at all if
    one names its graph by a variable."""
    terms = {node.term for node in _nodes(algebra)
             if isinstance(node, CompValue) and node.name in ("Graph", "GraphGraphPattern")}
    return () if any(isinstance(term, Variable) for term in terms) else tuple(sorted(str(term) for term in terms))


class _Unreadable(Exception):
    """A character the two parsers would read differently, or no character at all."""


def _position(text: str, at: int) -> str:
    return f"line {text.count(chr(10), 0, at) + 1}, column {at - text.rfind(chr(10), 0, at)}"


def _expand_escapes(text: str) -> str:
    """The text with each \\uXXXX and \\UXXXXXXXX replaced by its character (SPARQL 1.1, section 19.2)."""
    parts, start = [], 0
    while (at := text.find("\\", start)) != -1:
        width = {"u": 4, "U": 8}.get(text[at + 1:at + 2], 0)
        digits = text[at + 2:at + 2 + width]
        if not width or len(digits) < width or any(c not in hexdigits for c in digits):
            parts.append(text[start:at + 1])
            start = at + 1
            continue
        code = int(digits, 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise _Unreadable(f"the query is not valid SPARQL: \\{text[at + 1]}{digits} at {_position(text, at)} "
                              "is not a character")
        parts += [text[start:at], chr(code)]
        start = at + 2 + width
    return "".join(parts) + text[start:]


def _refuse_lone_carriage_return(text: str) -> None:
    # A carriage return ends a comment for Oxigraph but not for rdflib, which would read the rest of the line unseen.
    at = text.replace("\r\n", "\n\n").find("\r")
    if at != -1:
        raise _Unreadable(f"the query is not valid SPARQL: a carriage return without a line feed at {_position(text, at)}; "
                          "end lines with a line feed")


def _nodes(root: object) -> Iterator[object]:
    """Every node of a parse tree, however it is nested: mappings, sequences and the terms at their leaves."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, ParseResults):  # a sequence of tokens that may also name some of them
            stack.extend([*node, *node.values()])  # type: ignore[no-untyped-call]  # pyparsing leaves it untyped
        elif isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list | tuple | set | frozenset):
            stack.extend(node)


def _prologue(prologue: ParseResults, used: set[str]) -> Prologue:
    """Whether a query states its own BASE, and which of casegraph's prefixes it uses without declaring them."""
    own = {declaration.prefix for declaration in prologue if declaration.name == "PrefixDecl"}
    return Prologue(any(declaration.name == "Base" for declaration in prologue),
                    tuple(sorted(name for name in used - own if name in PREFIXES)))


def _resolve_prologue(prologue: ParseResults, base: str) -> None:
    """Make BASE and PREFIX IRIs absolute, each against the base in force, as the SPARQL grammar says.

    rdflib leaves a relative BASE unresolved, and any relative IRI with a colon in it (//host:port/).
    """
    for declaration in prologue:
        if declaration.name == "Base":
            base = declaration["iri"] = URIRef(urljoin(base, declaration.iri))
        elif declaration.name == "PrefixDecl":
            declaration["iri"] = URIRef(urljoin(base, declaration.iri))


def check_query(text: str, base: str) -> Reading:
    """Read a query and refuse what may not run: what cannot be read, and SERVICE calls to other endpoints."""
    reading = read_query(text, base)
    if reading.error is not None:
        raise QueryError(reading.error)
    if reading.service:
        raise UsageError("SERVICE is not allowed: this endpoint never calls other endpoints")
    return reading


def plan(store: Store, text: str, dataset: Dataset | None = None,
         bindings: tuple[tuple[str, str, bool], ...] = ()) -> Plan:
    """Check a query against the store and settle its dataset; UsageError or QueryError for what may not run."""
    reading = check_query(text, store.base)
    for iri in reading.default_graphs + reading.named_graphs:
        if not _known(store, iri):
            raise UsageError(f"FROM <{iri}> names no graph of this store; FROM may only name the store's own graphs")
    dataset = dataset or Dataset()
    for iri in dataset.default_graphs + dataset.named_graphs:
        if not _known(store, iri):
            raise UsageError(f"{iri} is not a graph of this store")
    # The request's dataset takes the place of the query's own (SPARQL 1.1 Protocol, 2.1.4). Either way the run is
    # given the graphs as checked, so the engine's own reading of FROM cannot differ from this one.
    if dataset.default_graphs or dataset.named_graphs:
        graphs: Graphs | None = (tuple(dataset.default_graphs), tuple(dataset.named_graphs))
    elif reading.default_graphs or reading.named_graphs:
        graphs = (reading.default_graphs, reading.named_graphs)
    else:
        graphs = None  # the store's default graph: the merge of its named graphs, each triple once
    return Plan(reading.text or text, graphs, bindings, reading.form, reading.prologue, reading.graph_names)


def run(store: Store, text: str, dataset: Dataset | None = None) -> QueryResult:
    """Check and run a query over the store's union of graphs, or over the dataset the request names."""
    return execute(store, plan(store, text, dataset))


def _known(store: Store, iri: str) -> bool:
    """Whether the store holds a graph of this name: one lookup, not a list of every graph on each query."""
    try:
        return store.has_graph(ox.NamedNode(iri))
    except ValueError:
        return False


AnyResult = QueryResult | list[ox.Triple]


def serialize(result: AnyResult, media_type: str) -> bytes:
    """Write a result in one of the media types offered for its kind."""
    buffer = io.BytesIO()
    try:
        if isinstance(result, ox.QueryTriples | list):
            ox.serialize(result, buffer, GRAPH_FORMATS[media_type], prefixes=PREFIXES)
        else:
            result.serialize(buffer, RESULT_FORMATS[media_type])
    finally:
        # pyoxigraph's results may be dropped only by the thread that made them; a traceback holding this frame could
        # take them to another thread's garbage collection.
        del result
    return buffer.getvalue()


def offered(form: str) -> list[str]:
    """The media types the result of a query of this form (SELECT, ASK, CONSTRUCT, DESCRIBE) can be written in, the
    default first."""
    return list(GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS)


SD = "http://www.w3.org/ns/sparql-service-description#"


def sd(term: str) -> ox.NamedNode:
    """A term of the SPARQL Service Description vocabulary."""
    return ox.NamedNode(SD + term)


def service_description(endpoint: str) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at this address."""
    service = ox.NamedNode(endpoint)
    dataset = ox.BlankNode()
    default = ox.BlankNode()
    triples = [
        ox.Triple(service, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), sd("Graph")),
    ]
    formats = {
        "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
        "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
        "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
        "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
        "text/turtle": "http://www.w3.org/ns/formats/Turtle",
        "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
        "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
        "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
    }
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(iri)) for iri in formats.values()]
    return triples


def describe_service(endpoint: str, media_type: str) -> bytes:
    """The service description serialised in an RDF media type."""
    if media_type not in GRAPH_FORMATS:
        raise QueryError(f"no RDF format {media_type}")
    buffer = io.BytesIO()
    ox.serialize(service_description(endpoint), buffer, GRAPH_FORMATS[media_type], prefixes={"sd": SD})
    return buffer.getvalue()
