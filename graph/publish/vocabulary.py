"""The ontology as documentation: its classes, properties and controlled lists, each with what it means."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib.term import Node

from graph.namespaces import CG_IRI, ONTOLOGY_IRI, PREFIXES
from graph.validation.rules import ontology_graph


@dataclass(frozen=True)
class Term:
    """One term of the vocabulary, as a reader needs it."""

    name: str
    iri: str
    label: str
    comment: str
    parents: list[str] = field(default_factory=list)
    domain: str = ""
    range: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """The ontology's header and terms, grouped by kind."""

    title: str
    comment: str
    version: str
    classes: list[Term]
    object_properties: list[Term]
    datatype_properties: list[Term]
    schemes: list[tuple[Term, list[Term]]]


def _compact(node: Node | None) -> str:
    if node is None:
        return ""
    text = str(node)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    return text


def _text(graph: Graph, subject: Node, predicate: URIRef) -> str:
    values = [v for v in graph.objects(subject, predicate) if getattr(v, "language", None) in (None, "en")]
    return str(values[0]) if values else ""


def _term(graph: Graph, subject: Node, parent: URIRef) -> Term:
    label = _text(graph, subject, RDFS.label) or _text(graph, subject, SKOS.prefLabel)
    comment = _text(graph, subject, RDFS.comment) or _text(graph, subject, SKOS.definition)
    return Term(str(subject)[len(CG_IRI):], str(subject), label, comment,
                sorted(_compact(p) for p in graph.objects(subject, parent)),
                _compact(graph.value(subject, RDFS.domain)), _compact(graph.value(subject, RDFS.range)))


def _terms(graph: Graph, kind: URIRef, parent: URIRef) -> list[Term]:
    subjects = [s for s in graph.subjects(RDF.type, kind) if str(s).startswith(CG_IRI)]
    return sorted((_term(graph, s, parent) for s in subjects), key=lambda t: t.name.lower())


def vocabulary() -> Vocabulary:
    """The ontology read for people."""
    graph = ontology_graph()
    ontology = URIRef(ONTOLOGY_IRI)
    schemes = [(scheme, [t for t in _terms(graph, SKOS.Concept, SKOS.broader)
                         if (URIRef(t.iri), SKOS.inScheme, URIRef(scheme.iri)) in graph])
               for scheme in _terms(graph, SKOS.ConceptScheme, RDFS.subClassOf)]
    return Vocabulary(
        title=_text(graph, ontology, RDFS.label), comment=_text(graph, ontology, RDFS.comment),
        version=str(graph.value(ontology, OWL.versionInfo) or ""),
        classes=_terms(graph, OWL.Class, RDFS.subClassOf),
        object_properties=_terms(graph, OWL.ObjectProperty, RDFS.subPropertyOf),
        datatype_properties=_terms(graph, OWL.DatatypeProperty, RDFS.subPropertyOf),
        schemes=schemes,
    )
