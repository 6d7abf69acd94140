"""The closed world of terms: every property and class a document uses is one the ontology defines or one allowed from outside.

RDF accepts any IRI as a property, so a misspelt `cg:occupaton` would otherwise be kept as a fact
no query asks for. Here each predicate and each class a record is typed with, in the vocabularies
the project uses (cg:, skos:, dcterms:, schema:, foaf:, owl: and the others of PREFIXES), and each
cg: term wherever it appears, must be known; an unknown one is refused with the nearest terms. A
term of another vocabulary is a deliberate choice, not a slip, and is left to the shapes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from graph.namespaces import CG_IRI, PREFIXES
from graph.validation.rules import ontology_triples

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_LABELS = {ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.NamedNode(PREFIXES["skos"] + "prefLabel")}

# The terms of other vocabularies a source document may use, each for what the shapes and pages read.
EXTERNAL: frozenset[str] = frozenset(PREFIXES[prefix] + name for prefix, name in (
    ("rdf", "type"),
    ("skos", "prefLabel"), ("skos", "altLabel"),
    ("schema", "description"), ("schema", "url"),
    ("dcterms", "title"), ("dcterms", "publisher"), ("dcterms", "references"), ("dcterms", "isPartOf"),
    ("dcterms", "issued"), ("dcterms", "language"), ("dcterms", "created"), ("dcterms", "modified"),
    ("dcterms", "creator"),  # who wrote a source document, as news articles name their authors
    ("owl", "sameAs"),
    ("foaf", "isPrimaryTopicOf"),
))
# Kinship the ontology does not name one by one: a source's "sister" is a cg:sibling, its "uncle" a cg:familyMember.
_SIBLINGS = frozenset({"sister", "brother"})
_KIN = _SIBLINGS | {"mother", "father", "son", "daughter", "husband", "wife", "cousin",
                    "uncle", "aunt", "nephew", "niece", "grandmother", "grandfather", "relative", "kin"}


@dataclass(frozen=True)
class UnknownTerm:
    """A term the ontology does not define, where it was used, and the known terms it may be a slip for."""

    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    value: ox.NamedNode | ox.BlankNode | ox.Literal
    term: ox.NamedNode
    suggestions: tuple[str, ...]

    @property
    def message(self) -> str:
        """What is wrong and what to write instead."""
        kind = "property" if self.term == self.predicate else "class" if self.predicate == RDF_TYPE else "term"
        guess = f"; did you mean {' or '.join(compact(s) for s in self.suggestions)}?" if self.suggestions else \
            "; see /ontology for the terms a document may use"
        return f"{compact(self.term.value)} is not a {kind} of the casegraph ontology or of the vocabularies it allows{guess}"


def compact(iri: str) -> str:
    """An IRI with its well-known prefix (cg:occupation), or in angle brackets."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


@cache
def known_terms() -> frozenset[str]:
    """The ontology's own terms, and the allowed external ones."""
    defined = {s.value for s, _, _ in ontology_triples() if isinstance(s, ox.NamedNode) and s.value.startswith(CG_IRI)}
    return frozenset(defined) | EXTERNAL


@cache
def _labels() -> dict[str, frozenset[str]]:
    """The words of each cg: term's label."""
    found: dict[str, set[str]] = {}
    for subject, predicate, value in ontology_triples():
        if predicate in _LABELS and isinstance(value, ox.Literal) and subject.value.startswith(CG_IRI):
            found.setdefault(subject.value, set()).update(value.value.lower().split())
    return {term: frozenset(words) for term, words in found.items()}


def unknown_terms(triples: Iterable[ox.Triple]) -> list[UnknownTerm]:
    """Every use of a term that is neither the ontology's nor allowed: predicates, classes, and cg: terms anywhere."""
    known = known_terms()
    found: list[UnknownTerm] = []
    for subject, predicate, value in triples:
        used = [predicate]
        if predicate == RDF_TYPE and isinstance(value, ox.NamedNode):
            used.append(value)
        used += [t for t in (subject, value) if isinstance(t, ox.NamedNode) and t.value.startswith(CG_IRI)]
        for term in dict.fromkeys(used):
            if term.value not in known and _checked(term.value):
                found.append(UnknownTerm(subject, predicate, value, term, suggest(term.value)))
    return found


def _checked(iri: str) -> bool:
    return any(iri.startswith(namespace) for namespace in PREFIXES.values())


def suggest(iri: str) -> tuple[str, ...]:
    """Known terms of the same vocabulary spelt like this one, or whose label names it; kinship words suggest cg:familyMember."""
    namespace, name = _split(iri)
    names = {_split(term)[1]: term for term in known_terms() if _split(term)[0] == namespace}
    close = [names[n] for n in difflib.get_close_matches(name, names, n=3, cutoff=0.75)]
    if close:
        return tuple(close)
    lowered = name.lower()
    if namespace == CG_IRI and lowered in _KIN:
        return (CG_IRI + ("sibling" if lowered in _SIBLINGS else "familyMember"),)
    return tuple(sorted(term for term, words in _labels().items() if lowered in words and term.startswith(namespace)))[:3]


def _split(iri: str) -> tuple[str, str]:
    for separator in ("#", "/"):
        if separator in iri:
            head, _, tail = iri.rpartition(separator)
            return head + separator, tail
    return "", iri
