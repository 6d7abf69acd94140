"""Links out: statements that a record is the same thing as, or is described by, a resource of another dataset."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox

from graph.namespaces import PREFIXES, source_prefix
from graph.query.queries import page_query
from graph.store.seam import Store

SKOS = PREFIXES["skos"]
# The predicates of a link out, and how a page reads each.
LINK_PREDICATES = {
    PREFIXES["owl"] + "sameAs": "same as",
    PREFIXES["foaf"] + "isPrimaryTopicOf": "article about it",
    PREFIXES["schema"] + "sameAs": "same as (web page)",
    SKOS + "exactMatch": "exact match",
    SKOS + "closeMatch": "close match",
    PREFIXES["rdfs"] + "seeAlso": "see also",
}


@dataclass(frozen=True)
class Target:
    """A dataset that links point into, known by the space its IRIs start with."""

    name: str
    title: str
    uri_space: str


# Longer spaces first, so that no space shadows a narrower one.
TARGETS = (
    Target("wikidata", "Wikidata", "http://www.wikidata.org/entity/"),
    Target("dbpedia", "DBpedia", "http://dbpedia.org/resource/"),
    Target("wikipedia-en", "English Wikipedia", "https://en.wikipedia.org/wiki/"),
    Target("wikipedia-simple", "Simple English Wikipedia", "https://simple.wikipedia.org/wiki/"),
    Target("wikipedia-zh", "Chinese Wikipedia", "https://zh.wikipedia.org/wiki/"),
    Target("wikipedia-ug", "Uyghur Wikipedia", "https://ug.wikipedia.org/wiki/"),
    Target("geonames", "GeoNames", "https://sws.geonames.org/"),
)


def target_of(iri: str) -> Target | None:
    """The dataset an IRI belongs to, or None for one casegraph does not know."""
    return next((t for t in TARGETS if iri.startswith(t.uri_space)), None)


def is_link_out(predicate: str, term: ox.NamedNode | ox.BlankNode | ox.Literal, base: str) -> bool:
    """Whether a statement with this predicate and value links a record to something outside casegraph."""
    return predicate in LINK_PREDICATES and isinstance(term, ox.NamedNode) and not term.value.startswith(base)


def count_links(store: Store) -> Counter[tuple[Target, str]]:
    """Distinct link triples in the source graphs, by target dataset and predicate; links to unknown datasets are left out."""
    counts: Counter[tuple[Target, str]] = Counter()
    rows = store.select(page_query("links-out"), {"sources": ox.NamedNode(source_prefix(store.base))})
    for row in rows:
        target = target_of(row["object"].value)
        if target is not None:
            counts[(target, row["predicate"].value)] += 1
    return counts
