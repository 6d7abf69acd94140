"""The JSON-LD context, derived from the ontology so that JSON-LD output reads as plain JSON."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, Graph
from rdflib.namespace import DCTERMS, SKOS

from graph.namespaces import CG_IRI, PREFIXES, SCHEMA
from graph.paths import resource_dir

CONTEXT_FILE = "context.jsonld"

# Terms from other vocabularies that the data uses, with how their values read in JSON.
EXTERNAL_TERMS: dict[str, dict[str, str]] = {
    "prefLabel": {"@id": str(SKOS.prefLabel), "@container": "@language"},
    "altLabel": {"@id": str(SKOS.altLabel), "@container": "@language"},
    "description": {"@id": str(SCHEMA.description), "@container": "@language"},
    "title": {"@id": str(DCTERMS.title), "@container": "@language"},
    "publisher": {"@id": str(DCTERMS.publisher), "@type": "@id"},
    "isPartOf": {"@id": str(DCTERMS.isPartOf), "@type": "@id"},
    "issued": {"@id": str(DCTERMS.issued)},
    "language": {"@id": str(DCTERMS.language)},
    "url": {"@id": str(SCHEMA.url), "@type": "@id"},
}


def derive_context(ontology: Graph) -> dict[str, Any]:
    """Build the context: prefixes, one term per ontology class and property, and the external terms."""
    terms: dict[str, Any] = {"id": "@id", "type": "@type", **PREFIXES}
    for subject in sorted(set(ontology.subjects(RDF.type, None)), key=str):
        iri = str(subject)
        if iri.startswith(CG_IRI) and "-" not in iri:
            definition = _term(ontology, subject)
            if definition is not None:
                terms[iri[len(CG_IRI):]] = definition
    terms.update(EXTERNAL_TERMS)
    return {"@context": terms}


def _term(ontology: Graph, subject: Any) -> Any:
    kinds = set(ontology.objects(subject, RDF.type))
    compact = "cg:" + str(subject)[len(CG_IRI):]
    if OWL.Class in kinds:
        return compact
    if OWL.ObjectProperty in kinds:
        return {"@id": compact, "@type": "@id"}
    if OWL.DatatypeProperty in kinds:
        rng = ontology.value(subject, RDFS.range)
        if rng == RDF.langString:
            return {"@id": compact, "@container": "@language"}
        if rng is not None and str(rng).startswith(str(XSD)):
            return {"@id": compact, "@type": "xsd:" + str(rng)[len(str(XSD)):]}
        return compact
    return None


@cache
def shipped_context() -> dict[str, Any]:
    """The context file shipped in ontology/."""
    with (resource_dir("ontology") / CONTEXT_FILE).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def write_context() -> None:
    """Regenerate ontology/context.jsonld from the ontology."""
    from graph.validation.rules import ontology_graph

    text = json.dumps(derive_context(ontology_graph()), indent=2, ensure_ascii=False) + "\n"
    (resource_dir("ontology") / CONTEXT_FILE).write_text(text, encoding="utf-8")
