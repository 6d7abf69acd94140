"""The one place namespaces and prefixes are defined."""

from functools import cache
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, ClosedNamespace

from graph.errors import UsageError
from graph.paths import ontology_files

CG_IRI = "https://w3id.org/casegraph/ontology#"
ONTOLOGY_IRI = "https://w3id.org/casegraph/ontology"
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, str] = {
    "cg": CG_IRI,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "foaf": str(FOAF),
}


@cache
def _cg_terms() -> tuple[str, ...]:
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return tuple(sorted({str(s)[len(CG_IRI):] for s in graph.subjects() if str(s).startswith(CG_IRI)}))


@cache
def cg() -> ClosedNamespace:
    """The ontology's namespace, closed over the terms the Turtle defines: a typo fails loudly."""
    # rdflib annotates ClosedNamespace.__new__ as making a Namespace
    return ClosedNamespace(URIRef(CG_IRI), list(_cg_terms()))  # pyright: ignore[reportReturnType]


def local_name(iri: str) -> str:
    """The last segment of an IRI, after its # or its last /."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def catalog_graph(base: str) -> str:
    """IRI of the graph that describes every source document."""
    return f"{base}graph/sources"


def merged_graph(base: str) -> str:
    """IRI of the named graph holding the merge of every graph, in a store whose own default graph is their union."""
    return f"{base}graph/merged"


def changes_graph(base: str) -> str:
    """IRI of the graph in a remote store where the front-ends on it keep their lock, change log and build record."""
    return f"{base}graph/changes"


def source_prefix(base: str) -> str:
    """Namespace of source-document IRIs, which are also the names of their graphs."""
    return f"{base}source/"


def iri_to_uri(iri: str) -> str:
    """The URI form of an IRI (RFC 3987 section 3.1): non-ASCII characters percent-encoded as UTF-8, for HTTP headers."""
    return quote(iri, safe=":/?#[]@!$&'()*+,;=%~")


def blank_node_text(node: ox.BlankNode | BNode) -> str:
    """A blank node (pyoxigraph's or rdflib's) as casegraph shows it everywhere: `_:` and its label, as N-Triples writes it."""
    return f"_:{node.value if isinstance(node, ox.BlankNode) else node}"


def checked_iri(iri: str, what: str) -> ox.NamedNode:
    """The IRI as a term; UsageError naming `what` gave it and why it is no IRI, for text that is not one."""
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        # Escaped: the offending character may be a control character, which must not reach a response raw.
        reason = str(error).encode("unicode_escape").decode("ascii")
        raise UsageError(f"{what} is not a valid IRI: {reason}") from None
