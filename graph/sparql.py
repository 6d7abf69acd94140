"""The SPARQL 1.1 Protocol's logic, without the web: what may run, over which dataset, in which format."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from casegraph.errors import QueryError, UsageError
from casegraph.namespaces import PREFIXES
from casegraph.store import CaseStore, QueryResult

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

# Lexical pieces that may contain the word SERVICE without being the keyword.
_STRING = r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
_IRI = r'<[^<>"{}|^`\\\x00-\x20]*>'
_COMMENT = r"#[^\n]*"
_TOKENS = re.compile(f"({_STRING})|({_IRI})|({_COMMENT})")
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$])FROM\s+(?:NAMED\s+)?(<[^<>\s]*>|[\w.-]*:[\w.-]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Dataset:
    """The protocol's default-graph-uri and named-graph-uri parameters."""

    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


def _code(text: str) -> str:
    """The query with strings, IRIs and comments blanked, so keywords can be found safely."""
    return _TOKENS.sub(lambda m: " " if m.group(3) else '""' if m.group(1) else "<>", text)


def check_query(text: str) -> None:
    """Refuse what would reach outside the store: SERVICE calls to other endpoints."""
    if _SERVICE.search(_code(text)):
        raise UsageError("SERVICE is not allowed: this endpoint never calls other endpoints")


def _from_clauses(text: str) -> list[str]:
    """The IRIs of the query's FROM and FROM NAMED clauses, as written."""
    code = _TOKENS.sub(lambda m: m.group(2) or (" " if m.group(3) else '""'), text)
    return [m.group(1) for m in _FROM.finditer(code)]


@dataclass(frozen=True)
class Plan:
    """A checked query and the dataset to run it over, as plain data a worker process can receive."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    bindings: tuple[tuple[str, str, bool], ...] = ()  # (variable, value, is an IRI)


def bind(name: str, value: str) -> tuple[str, str, bool]:
    """A variable binding from a request parameter: an absolute http(s) IRI, or else a plain string."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise UsageError(f"{name!r} is not a SPARQL variable name")
    if value.startswith(("http://", "https://")):
        try:
            ox.NamedNode(value)
        except ValueError:
            raise UsageError(f"{value!r} is not a valid IRI") from None
        return (name, value, True)
    return (name, value, False)


def plan(store: CaseStore, text: str, dataset: Dataset | None = None,
         bindings: tuple[tuple[str, str, bool], ...] = ()) -> Plan:
    """Check a query against the store and settle its dataset; UsageError for what may not run."""
    check_query(text)
    clauses = _from_clauses(text)
    for iri in clauses:
        if not _known(store, _resolve(iri, store.base)):
            raise UsageError(f"FROM {iri} names no graph of this store; FROM may only name the store's own graphs")
    dataset = dataset or Dataset()
    for iri in dataset.default_graphs + dataset.named_graphs:
        if not _known(store, iri):
            raise UsageError(f"{iri} is not a graph of this store")
    # Without FROM or default-graph-uri, the default graph is the store's own: the merge of its named graphs.
    return Plan(text, tuple(dataset.default_graphs), tuple(dataset.named_graphs), bindings)


def execute(store: CaseStore, planned: Plan) -> QueryResult:
    """Run a planned query."""
    options: dict[str, object] = {}
    if planned.default_graphs:
        options["default_graph"] = [ox.NamedNode(i) for i in planned.default_graphs]
    if planned.named_graphs:
        options["named_graphs"] = [ox.NamedNode(i) for i in planned.named_graphs]
    if planned.bindings:
        # Substitution binds values as terms (SEP-0007); nothing from a request is pasted into query text.
        options["substitutions"] = {ox.Variable(name): ox.NamedNode(value) if iri else ox.Literal(value)
                                    for name, value, iri in planned.bindings}
    try:
        return store.query(planned.text, **options)
    except RuntimeError as error:
        if "does not contains variable" in str(error):
            raise UsageError("a parameter names a variable this query does not return; "
                             "parameters bind returned variables") from None
        raise


def run(store: CaseStore, text: str, dataset: Dataset | None = None) -> QueryResult:
    """Check and run a query over the store's union of graphs, or over the dataset the request names."""
    return execute(store, plan(store, text, dataset))


def _known(store: CaseStore, iri: str) -> bool:
    """Whether the store holds a graph of this name: one lookup, not a list of every graph on each query."""
    try:
        return store.oxigraph.contains_named_graph(ox.NamedNode(iri))
    except ValueError:
        return False


def _resolve(iri: str, base: str) -> str:
    if iri.startswith("<"):
        value = iri[1:-1]
        return value if re.match(r"^[a-zA-Z][\w+.-]*:", value) else base + value
    prefix, local = iri.split(":", 1)
    return PREFIXES.get(prefix, "") + local if prefix in PREFIXES else iri


AnyResult = QueryResult | list[ox.Triple]


def serialize(result: AnyResult, media_type: str) -> bytes:
    """Write a result in one of the media types offered for its kind."""
    buffer = io.BytesIO()
    if isinstance(result, ox.QueryTriples | list):
        ox.serialize(result, buffer, GRAPH_FORMATS[media_type], prefixes=PREFIXES)
    else:
        result.serialize(buffer, RESULT_FORMATS[media_type])
    return buffer.getvalue()


def offered(result: AnyResult) -> list[str]:
    """The media types a result can be written in, the default first."""
    return list(GRAPH_FORMATS if isinstance(result, ox.QueryTriples | list) else RESULT_FORMATS)


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
