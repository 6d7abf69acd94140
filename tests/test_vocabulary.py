"""The vocabulary: closed namespace, JSON-LD context derived from the ontology, ontology metadata."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, URIRef

from graph.namespaces import CG_IRI, cg
from graph.publish.jsonld import derive_context, shipped_context
from graph.validation.rules import ontology_graph


def test_a_mistyped_term_fails_loudly() -> None:
    assert cg().Person == URIRef(CG_IRI + "Person")
    with pytest.raises(AttributeError):
        cg().Persn  # noqa: B018


def test_the_shipped_context_is_the_one_the_ontology_derives() -> None:
    assert shipped_context() == derive_context(ontology_graph()), "regenerate ontology/context.jsonld with `make context`"


def test_every_term_has_a_label_and_a_comment() -> None:
    graph = ontology_graph()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {s for kind in kinds for s in graph.subjects(RDF.type, kind) if str(s).startswith(CG_IRI)}
    assert len(terms) > 60
    unlabelled = sorted(str(t) for t in terms if not graph.value(t, RDFS.label) or not graph.value(t, RDFS.comment))
    assert unlabelled == []


def test_the_ontology_has_a_version_iri() -> None:
    graph = ontology_graph()
    ontology = URIRef("https://w3id.org/casegraph/ontology")
    assert (ontology, RDF.type, OWL.Ontology) in graph
    assert graph.value(ontology, OWL.versionIRI) is not None
