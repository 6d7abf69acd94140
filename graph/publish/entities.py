"""Entities as people read them: every statement about one IRI, grouped by property, each with its sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
from rdflib import Literal, URIRef

from graph.errors import NotFound
from graph.namespaces import PREFIXES, SH, blank_node_text, checked_iri, local_name
from graph.publish.linksets import LINK_PREDICATES, is_link_out, target_of
from graph.query.queries import page_query
from graph.store.seam import Store
from graph.store.store import merged, named
from graph.validation.rules import shapes_graph

SKOS = PREFIXES["skos"]
NAME_PROPERTIES = {SKOS + "prefLabel", SKOS + "altLabel"}
# How the terms of other vocabularies read on a page; the ontology labels its own terms.
DISPLAY = {
    SKOS + "prefLabel": "name", SKOS + "altLabel": "other name",
    PREFIXES["rdf"] + "type": "kind", PREFIXES["schema"] + "description": "description",
    PREFIXES["schema"] + "url": "address", PREFIXES["dcterms"] + "title": "title",
    PREFIXES["dcterms"] + "publisher": "publisher", PREFIXES["dcterms"] + "issued": "published",
    PREFIXES["dcterms"] + "isPartOf": "part of", PREFIXES["dcterms"] + "language": "language",
    PREFIXES["dcterms"] + "created": "first written here", PREFIXES["dcterms"] + "modified": "last written here",
}
GRAPH_NAMES = {"graph/sources": "catalog of sources"}
KINDS = ("person", "organisation", "place", "facility", "court", "law", "event", "case", "role", "charge",
         "sentence", "penalty", "condition", "allegation", "campaign", "policy", "publication", "source")


@dataclass(frozen=True)
class Value:
    """One value of a property, with its label and the sources that state it."""

    term: ox.NamedNode | ox.BlankNode | ox.Literal
    label: str | None
    sources: tuple[tuple[str, str], ...]  # (graph IRI, source label)

    @property
    def is_link(self) -> bool:
        """Whether the value is an IRI one can follow."""
        return isinstance(self.term, ox.NamedNode)

    @property
    def text(self) -> str:
        """The value as shown: a literal's text, an IRI, or a blank node as `_:` and its label."""
        return blank_node_text(self.term) if isinstance(self.term, ox.BlankNode) else self.term.value


@dataclass
class Property:
    """A property of the entity and its values; disagreement when sources give different values."""

    iri: str
    label: str
    incoming: bool
    values: list[Value] = field(default_factory=list)

    @property
    def disputed(self) -> bool:
        """Sources give different values for a property the shapes allow only one of (per language)."""
        if self.incoming or self.iri not in single_valued():
            return False
        # Each source holds at most one value per language, so two values in a language are two sources disagreeing.
        languages = [v.term.language or "" if isinstance(v.term, ox.Literal) else "" for v in self.values]
        return len(languages) != len(set(languages))


@dataclass(frozen=True)
class LinkOut:
    """A link from the entity to the same thing, or a page about it, in another dataset, with the sources stating it."""

    relation: str
    target: str
    dataset: str | None  # the target dataset's title, when casegraph knows it
    sources: tuple[tuple[str, str], ...]  # (graph IRI, source label)


@dataclass
class Entity:
    """Everything the store states about one IRI."""

    iri: str
    names: list[tuple[str, str]]  # (text, language)
    properties: list[Property]
    sources: list[tuple[str, str]]
    elsewhere: list[LinkOut] = field(default_factory=list)

    @property
    def title(self) -> str:
        """A name to show: the first English preferred label, or the IRI."""
        return next((text for text, lang in self.names if lang == "en"), self.names[0][0] if self.names else self.iri)


@cache
def single_valued() -> frozenset[str]:
    """Properties the shapes allow one value of (sh:maxCount 1), or one per language (sh:uniqueLang)."""
    shapes = shapes_graph()
    limited = set(shapes.subjects(SH.maxCount, Literal(1))) | set(shapes.subjects(SH.uniqueLang, Literal(True)))
    return frozenset(str(path) for shape in limited for path in shapes.objects(shape, SH.path) if isinstance(path, URIRef))




def entity_iri(base: str, kind: str, slug: str) -> str:
    """The IRI a path /{kind}/{slug} names; NotFound for kinds casegraph does not mint, UsageError for a path no IRI has."""
    if kind not in KINDS:
        raise NotFound(f"casegraph mints no IRIs under /{kind}/; kinds: {', '.join(KINDS)}")
    return checked_iri(f"{base}{kind}/{slug}", f"the path {f'/{kind}/{slug}'!r}").value


Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class _Seen:
    """A value met while reading the rows: its label, and the sources stating it so far."""

    label: str | None
    sources: dict[str, str] = field(default_factory=dict)


def read_entity(store: Store, iri: str) -> Entity:
    """The statements about an entity, grouped by property; NotFound if the store says nothing about it."""
    properties: dict[tuple[str, bool], Property] = {}
    seen: dict[tuple[str, bool, Term], _Seen] = {}
    names: dict[tuple[str, str], None] = {}
    sources: dict[str, str] = {}
    for row in store.select(page_query("entity-statements"), {"entity": ox.NamedNode(iri)}):
        prop, term, graph = row["property"].value, row["value"], row["graph"].value
        incoming = row["direction"].value == "in"
        named_source = row["sourceLabel"]
        source_label = str(named_source.value if named_source else GRAPH_NAMES.get(graph[len(store.base):], graph))
        sources.setdefault(graph, source_label)
        if not incoming and prop in NAME_PROPERTIES and isinstance(term, ox.Literal):
            names[(term.value, term.language or "")] = None
        fallback = DISPLAY.get(prop, local_name(prop))
        label = row["propertyLabel"].value if row["propertyLabel"] else fallback
        properties.setdefault((prop, incoming), Property(prop, label, incoming))
        value_label = row["valueLabel"].value if row["valueLabel"] else None
        seen.setdefault((prop, incoming, term), _Seen(value_label)).sources[graph] = source_label
    if not properties:
        raise NotFound(f"nothing is known about {iri}")
    elsewhere: list[LinkOut] = []
    for (prop, incoming, term), value in seen.items():
        stated = tuple(sorted(value.sources.items()))
        if not incoming and is_link_out(prop, term, store.base):
            target = target_of(term.value)
            elsewhere.append(LinkOut(LINK_PREDICATES[prop], term.value, target.title if target else None, stated))
        else:
            properties[(prop, incoming)].values.append(Value(term, value.label, stated))
    ordered = sorted((p for p in properties.values() if p.values), key=lambda p: (p.incoming, p.label))
    for group in ordered:
        # The term after the label: values of one label (an event and an allegation alike named) in one order on any store.
        group.values.sort(key=lambda v: ((v.label or v.term.value).lower(), str(v.term)))
    elsewhere.sort(key=lambda link: (link.relation, link.target))
    return Entity(iri, list(names), ordered, sorted(sources.items()), elsewhere)


def moved_to(store: Store, iri: str) -> str | None:
    """The record that now stands for an IRI with no facts of its own (its owl:sameAs names the IRI), if there is one."""
    if store.describes(iri):  # the IRI of a record: no query needed, and most lookups are of records
        return None
    found = next(iter(store.select(page_query("moved"), {"former": ox.NamedNode(iri)})), None)
    return None if found is None else found["current"].value


def statements(store: Store, iri: str) -> list[ox.Quad]:
    """The quads with the entity as subject or object, in the graphs stating them, for the machine-readable formats."""
    node = ox.NamedNode(iri)
    every = store.quads_for_pattern
    found = [*named(every(node, None, None)), *named(every(None, None, node))]
    if not found:
        raise NotFound(f"nothing is known about {iri}")
    return found


def document(store: Store, iri: str) -> list[ox.Quad]:
    """The entity's document: its facts as triples of the default graph, then each in the source graphs stating it.

    Linked-data clients read the default graph of what they dereference (rdflib's Graph, Comunica),
    so the facts must be there; a triple format writes just those, a quad format keeps the sources too.
    """
    found = statements(store, iri)
    return [*dict.fromkeys(merged(found)), *found]
