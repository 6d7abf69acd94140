"""The types and properties reconciliation offers: the ontology's classes, and the facts a query may supply."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal, TypeVar

from rdflib import RDF, RDFS, SKOS, Graph, URIRef
from rdflib.term import Node

from graph.errors import UsageError
from graph.namespaces import CG_IRI, PREFIXES
from graph.search.names import fold
from graph.validation.rules import ontology_graph

DEFAULT_LIMIT = 10  # suggestions, or candidates, when a query does not say
DEFAULT_TYPES = ("Person", "Organisation", "Court", "DetentionFacility", "Place")
Comparing = Literal["date", "concept", "place"]
Offered = TypeVar("Offered", "Kind", "Attribute")


@dataclass(frozen=True)
class Kind:
    """A class of the ontology offered as a reconciliation type."""

    id: str  # its name in the ontology, such as "Person": the schema space followed by the id is its IRI
    iri: str
    name: str
    description: str
    broader: tuple[str, ...]  # ids of the classes it is a direct subclass of
    members: frozenset[str]  # IRIs of the class and of every subclass of it


@dataclass(frozen=True)
class Attribute:
    """A property a query may supply to raise or lower scores."""

    id: str
    name: str
    description: str
    comparing: Comparing
    features: tuple[str, ...]  # the features of the facts query it reads
    scheme: str = ""  # for concepts: the concept scheme the values come from


ATTRIBUTES = (
    Attribute("birthDate", "birth date", "A year, year and month, or date of birth (1978, 1978-05, 1978-05-02); "
              "it agrees at the coarser of the two precisions.", "date", ("birthDate",)),
    Attribute("gender", "gender", "Gender as the sources state it: female or male.", "concept", ("gender",), "Genders"),
    Attribute("ethnicity", "ethnicity", "Ethnic group as the sources state it.", "concept", ("ethnicity",), "Ethnicities"),
    Attribute("birthPlace", "birth place", "Where the person was born, or a place that lies in.", "place", ("birthPlace",)),
    Attribute("locatedIn", "located in", "Where a facility or place lies, or a place that lies in.", "place", ("locatedIn",)),
    Attribute("anyPlace", "any place", "Any place the record is tied to (birth place, associated place, based in, "
              "located in), or a place one of those lies in.", "place",
              ("birthPlace", "associatedPlace", "basedIn", "locatedIn")),
)


@cache
def kinds() -> dict[str, Kind]:
    """Every class of the ontology, by id."""
    graph = ontology_graph()
    found = {}
    for subject in graph.subjects(RDF.type, URIRef(PREFIXES["owl"] + "Class")):
        iri = str(subject)
        if iri.startswith(CG_IRI):
            broader = tuple(sorted(str(p)[len(CG_IRI):] for p in graph.objects(subject, RDFS.subClassOf)
                                   if str(p).startswith(CG_IRI)))
            members = frozenset(str(s) for s in graph.transitive_subjects(RDFS.subClassOf, subject))
            found[iri[len(CG_IRI):]] = Kind(iri[len(CG_IRI):], iri, _english(graph, subject, RDFS.label) or iri[len(CG_IRI):],
                                            _english(graph, subject, RDFS.comment), broader, members)
    return dict(sorted(found.items()))


@cache
def kinds_by_iri() -> dict[str, Kind]:
    """Every class of the ontology, by IRI."""
    return {kind.iri: kind for kind in kinds().values()}


def default_kinds() -> list[Kind]:
    """The types offered first: people, organisations, courts, detention facilities and places."""
    return [kinds()[name] for name in DEFAULT_TYPES]


def kind_of(text: str) -> Kind:
    """The class a type identifier names: its id ("Person"), compact IRI ("cg:Person") or IRI; UsageError otherwise."""
    name = text.removeprefix(CG_IRI).removeprefix("cg:")
    if name not in kinds():
        raise UsageError(f"unknown type {text!r}; types are the ontology's classes, such as {', '.join(DEFAULT_TYPES)}")
    return kinds()[name]


def attribute_of(text: str) -> Attribute:
    """The property a property identifier names (also as cg: or ontology IRI); UsageError otherwise."""
    name = text.removeprefix(CG_IRI).removeprefix("cg:")
    found = next((a for a in ATTRIBUTES if a.id == name), None)
    if found is None:
        raise UsageError(f"unknown property {text!r}; properties: {', '.join(a.id for a in ATTRIBUTES)}")
    return found


@cache
def concepts(scheme: str) -> dict[str, frozenset[str]]:
    """The concepts of one of the ontology's schemes: IRI and its names, folded."""
    graph = ontology_graph()
    members = graph.subjects(SKOS.inScheme, URIRef(CG_IRI + scheme))
    return {str(c): frozenset(fold(str(n)) for label in (SKOS.prefLabel, SKOS.altLabel) for n in graph.objects(c, label))
            for c in members}


def _english(graph: Graph, subject: Node, predicate: URIRef) -> str:
    texts = sorted(str(o) for o in graph.objects(subject, predicate) if getattr(o, "language", None) in (None, "en"))
    return texts[0] if texts else ""


def suggest_kinds(text: str, cursor: int = 0, limit: int = DEFAULT_LIMIT) -> list[Kind]:
    """Classes whose id or name starts with (then holds) the text."""
    return _completed(list(kinds().values()), text, cursor, limit)


def suggest_attributes(text: str, cursor: int = 0, limit: int = DEFAULT_LIMIT) -> list[Attribute]:
    """Properties whose id or name starts with (then holds) the text."""
    return _completed(list(ATTRIBUTES), text, cursor, limit)


def _completed(items: list[Offered], text: str, cursor: int, limit: int) -> list[Offered]:
    sought = fold(text.strip())
    ranked = []
    for item in items:
        words = (fold(item.id), fold(item.name))
        if any(w.startswith(sought) for w in words):
            ranked.append((0, item.id, item))
        elif any(sought in w for w in words):
            ranked.append((1, item.id, item))
    return [item for _, _, item in sorted(ranked, key=lambda r: r[:2])][cursor:cursor + limit]
