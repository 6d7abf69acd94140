"""Reconciliation candidates: records found by name in the search index, then scored by name, class and supplied facts.

How a candidate's score (0 to 100) is made:

- name: how close the query text is to the nearest of the record's names, both folded as the search
  index folds them (case, accents, compatibility forms): difflib's ratio of shared characters, 1 when
  they are equal. A query that is the record's identifier scores 1.
- each property the query supplies weighs half as much as the name, and agrees (1), contradicts (0) or
  cannot tell (0.5). Birth date, gender and ethnicity, of which a person has one, contradict when the
  record has values and none agrees; with no value they cannot tell. Places never contradict: people
  are tied to many places, and sources record them at different precisions; a place agrees when it is
  one of the record's places or a place one of them lies in.
- score = 100 × (name + ½ × the sum of agreements) / (1 + ½ × the number of properties), halved when the
  query's types are only a preference (type_strict "should") and the record has none of them.

A candidate is a match when one of its names is the query text, folded (or the query is its identifier),
it has the query's types, no supplied property contradicts it, and no other candidate is all that too:
two namesakes are never a match, whatever else they share.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Literal, TypeVar

import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, Graph, URIRef
from rdflib.term import Node

from graph.errors import NotFound, UsageError
from graph.namespaces import CG_IRI, PREFIXES
from graph.publish.entities import KINDS
from graph.query.queries import page_query
from graph.search.names import fold
from graph.search.textindex import SearchIndex
from graph.store.store import CaseStore
from graph.validation.rules import ontology_graph

MAX_TEXT = 200  # characters of query text, as /search takes
MAX_LIMIT = 100  # candidates one query may ask for
DEFAULT_LIMIT = 10
POOL = 50  # records read from the search index per query (its own default), before types and properties sort them
PROPERTY_WEIGHT = 0.5  # of one supplied property, against the name's 1
DEFAULT_TYPES = ("Person", "Organisation", "Court", "DetentionFacility", "Place")
Strictness = Literal["any", "all", "should"]
Comparing = Literal["date", "concept", "place"]
EntityValue = str | int | float | bool | tuple[str, str | None]  # a literal, or a reconciled record (id, name)
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


@dataclass(frozen=True)
class Comparison:
    """A supplied property with its values parsed: dates as (year, month, day) prefixes, records as IRIs, names folded."""

    attribute: Attribute
    dates: tuple[tuple[int, ...], ...] = ()
    iris: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Query:
    """One reconciliation query, checked: known types and properties, values parsed."""

    text: str | None
    kinds: tuple[Kind, ...] = ()
    strictness: Strictness = "any"
    limit: int = DEFAULT_LIMIT
    comparisons: tuple[Comparison, ...] = ()


@dataclass(frozen=True)
class Facts:
    """What the store says about a record that reconciliation compares or shows."""

    iri: str
    classes: frozenset[str]
    names: tuple[str, ...]  # preferred names, sorted
    other_names: tuple[str, ...]
    descriptions: tuple[str, ...]
    values: dict[str, dict[str, set[str]]]  # feature: value (IRI or lexical form): its labels
    direct: dict[str, set[str]]  # feature: the values stated, without the places those lie in
    shown: dict[str, str]  # value: its English preferred label

    def stated(self, feature: str) -> list[str]:
        """The values stated for a feature as a reader reads them: labels where they have them, sorted."""
        labelled = (self.shown.get(v) or min(self.values[feature][v], default=v) for v in self.direct.get(feature, ()))
        return sorted(labelled)

    @property
    def name(self) -> str:
        """The record's name, as the search index names it: its least preferred name."""
        return min(self.names, default=min(self.other_names, default=self.iri))

    def kinds(self) -> tuple[Kind, ...]:
        """The record's classes that the ontology defines, by name."""
        known = kinds_by_iri()
        return tuple(sorted((known[c] for c in self.classes if c in known), key=lambda kind: kind.id))


@dataclass(frozen=True)
class Candidate:
    """A record proposed for a query, with its score, its matching decision and the features the score is made of."""

    iri: str
    id: str
    name: str
    description: str | None
    kinds: tuple[Kind, ...]
    score: float
    match: bool
    features: tuple[tuple[str, float | bool], ...] = field(default=())


# ----------------------------------------------------------------- the types and properties offered


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


# ----------------------------------------------------------------- queries


def query(base: str, text: str | None, types: Sequence[str] = (), strictness: Strictness = "any", limit: int | None = None,
          properties: Sequence[tuple[str, Sequence[EntityValue]]] = ()) -> Query:
    """A checked query: UsageError naming what is wrong (an unknown type or property, a value that cannot be compared)."""
    if text is not None and not text.strip():
        raise UsageError("the query text is empty; leave `query` out to reconcile by properties alone")
    if text is not None and len(text) > MAX_TEXT:
        raise UsageError(f"the query text is {len(text)} characters long; at most {MAX_TEXT}")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"limit must be from 1 to {MAX_LIMIT}, not {limit}")
    comparisons = tuple(_comparison(base, attribute_of(pid), values) for pid, values in properties)
    return Query(text, tuple(dict.fromkeys(kind_of(t) for t in types)), strictness, limit or DEFAULT_LIMIT, comparisons)


def _comparison(base: str, attribute: Attribute, values: Sequence[EntityValue]) -> Comparison:
    if not values:
        raise UsageError(f"property {attribute.id!r} is given no value")
    if attribute.comparing == "date":
        return Comparison(attribute, dates=tuple(_date(attribute, value) for value in values))
    if attribute.comparing == "concept":
        return Comparison(attribute, iris=frozenset(_concept(base, attribute, value) for value in values))
    if any(not isinstance(value, str | tuple) for value in values):
        raise UsageError(f"property {attribute.id!r} takes place names or reconciled places ({{\"id\": ...}}), not numbers")
    iris = frozenset(iri_of(base, value[0]) for value in values if isinstance(value, tuple))
    names = frozenset(fold(" ".join(value.split())) for value in values if isinstance(value, str))
    return Comparison(attribute, iris=iris, names=names)


def _date(attribute: Attribute, value: EntityValue) -> tuple[int, ...]:
    parsed = parse_date(str(value)) if isinstance(value, str | int) and not isinstance(value, bool) else None
    if isinstance(value, float) and value.is_integer():
        parsed = (int(value),)
    if parsed is None:
        raise UsageError(f"property {attribute.id!r} takes a year, a year and month or a date (1978, 1978-05 or 1978-05-02), "
                         f"not {value!r}")
    return parsed


def parse_date(text: str) -> tuple[int, ...] | None:
    """A year, year and month, or date as (year[, month[, day]]), as xsd:gYear, xsd:gYearMonth and xsd:date write them."""
    parts = text.strip().split("-")
    if not all(part.isascii() and part.isdigit() for part in parts) or len(parts[0]) != 4 or len(parts) > 3:
        return None
    try:
        if len(parts) == 3:
            day = date.fromisoformat("-".join(parts))
            return (day.year, day.month, day.day)
        if len(parts) == 2:
            date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        return None
    return tuple(int(part) for part in parts)


def _concept(base: str, attribute: Attribute, value: EntityValue) -> str:
    known = concepts(attribute.scheme)
    if isinstance(value, tuple):
        value = value[0]
    if isinstance(value, str):
        iri = CG_IRI + value.removeprefix("cg:") if not value.startswith(("http://", "https://")) else value
        named = [c for c, names in known.items() if fold(value.strip()) in names]
        if iri in known or named:
            return iri if iri in known else named[0]
    choices = sorted(min(names, default=c) for c, names in known.items())
    raise UsageError(f"property {attribute.id!r} takes one of: {', '.join(choices)}; not {value!r}")


# ----------------------------------------------------------------- records


def record_id(base: str, iri: str) -> str:
    """A record's identifier: its IRI without the base (the identifier space), such as person/gulmira-imin."""
    return iri[len(base):] if iri.startswith(base) else iri


def iri_of(base: str, identifier: str) -> str:
    """The IRI an identifier names: the base followed by it, or the identifier itself when it is an IRI under the base."""
    iri = identifier if identifier.startswith(base) else base + identifier.lstrip("/")
    try:
        return ox.NamedNode(iri).value
    except ValueError:
        raise UsageError(f"{identifier!r} is not a record identifier (such as person/gulmira-imin)") from None


def facts(store: CaseStore, iri: str) -> Facts:
    """What the store says about a record that reconciliation compares; NotFound when it says nothing."""
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    direct: dict[str, set[str]] = defaultdict(set)
    shown: dict[str, str] = {}
    for row in store.select(page_query("reconcile-facts"), {"entity": ox.NamedNode(iri)}):
        feature, value = row["feature"].value, row["value"].value
        labels = values[feature][value]
        if row["label"] is not None:
            labels.add(row["label"].value)
        if row["shown"] is not None:
            shown[value] = row["shown"].value
        if row["direct"] is None or row["direct"].value == "true":
            direct[feature].add(value)
    if not values:
        raise NotFound(f"no record {iri}")
    return Facts(iri, frozenset(values["type"]), tuple(sorted(values["name"])), tuple(sorted(values["otherName"])),
                 tuple(sorted(values["description"])), values, direct, shown)


def _identified(store: CaseStore, base: str, text: str) -> str | None:
    """The record a query text names by identifier (person/gulmira-imin, or its IRI), if the store has it."""
    words = text.split()
    kind = text.removeprefix(base).partition("/")[0]
    if len(words) != 1 or kind not in KINDS:
        return None
    try:
        node = ox.NamedNode(iri_of(base, text.strip()))
    except UsageError:
        return None
    return node.value if store.describes(node.value) else None


# ----------------------------------------------------------------- scoring


def candidates(store: CaseStore, index: SearchIndex, base: str, asked: Query) -> list[Candidate]:
    """The records that may be the one a query means, best first; see the module's docstring for how they are scored."""
    if asked.text is None:
        return []  # candidates are found by name: without one there are none to compare properties with
    identified = _identified(store, base, asked.text)
    found = dict.fromkeys([identified] if identified else [])
    found.update(dict.fromkeys(hit.iri for hit in index.search(asked.text, limit=POOL)))
    scored = [_scored(base, asked, facts(store, iri), iri == identified) for iri in found]
    kept = [c for c in scored if c is not None]
    sure = [c for c in kept if c.match]
    if len(sure) > 1:  # namesakes: none is sure
        kept = [Candidate(c.iri, c.id, c.name, c.description, c.kinds, c.score, False, c.features) for c in kept]
    kept.sort(key=lambda c: (-c.score, c.name.casefold(), c.iri))
    return kept[:asked.limit]


def _scored(base: str, asked: Query, record: Facts, identified: bool) -> Candidate | None:
    """The candidate a record makes, or None when it is not of the types the query requires."""
    fits = _fits(asked, record.classes)
    if not fits and asked.strictness != "should":
        return None
    name = 1.0 if identified else _closeness(asked.text or "", record.names + record.other_names)
    agreements = [(c.attribute.id, _agreement(c, record)) for c in asked.comparisons]
    total = (name + PROPERTY_WEIGHT * sum(a for _, a in agreements)) / (1 + PROPERTY_WEIGHT * len(agreements))
    score = round(100 * total * (1 if fits else 0.5), 2)
    match = name == 1.0 and fits and all(a > 0 for _, a in agreements)
    features: list[tuple[str, float | bool]] = [("name", round(name, 4))]
    if asked.kinds:
        features.append(("type", fits))
    features += [(f"property:{pid}", agreement) for pid, agreement in agreements]
    description = record.descriptions[0] if record.descriptions else None
    return Candidate(record.iri, record_id(base, record.iri), record.name, description, record.kinds(), score, match,
                     tuple(features))


def _fits(asked: Query, classes: frozenset[str]) -> bool:
    if not asked.kinds:
        return True
    held = [bool(kind.members & classes) for kind in asked.kinds]
    return all(held) if asked.strictness == "all" else any(held)


def _closeness(text: str, names: Iterable[str]) -> float:
    """The closeness of the text to the nearest name, folded: 1 when equal, else difflib's ratio."""
    sought = fold(" ".join(text.split()))
    folded = [fold(" ".join(name.split())) for name in names]
    if sought in folded:
        return 1.0
    return max((difflib.SequenceMatcher(None, sought, name, autojunk=False).ratio() for name in folded), default=0.0)


def _agreement(comparison: Comparison, record: Facts) -> float:
    """1 when the record agrees with a supplied property, 0 when it contradicts it, 0.5 when it cannot tell."""
    held = {value: labels for feature in comparison.attribute.features for value, labels in record.values[feature].items()}
    if comparison.attribute.comparing == "date":
        dates = [d for d in (parse_date(value) for value in held) if d is not None]
        if not dates:
            return 0.5
        return 1.0 if any(_same_day(a, b) for a in comparison.dates for b in dates) else 0.0
    if comparison.attribute.comparing == "concept":
        return 0.5 if not held else 1.0 if comparison.iris & held.keys() else 0.0
    named = {fold(" ".join(label.split())) for labels in held.values() for label in labels}
    return 1.0 if comparison.iris & held.keys() or comparison.names & named else 0.5


def _same_day(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """Whether two dates agree at the coarser of their precisions (1978 agrees with 1978-05-02)."""
    shared = min(len(a), len(b))
    return a[:shared] == b[:shared]


# ----------------------------------------------------------------- suggest and preview

PREVIEWED = (("birthDate", "born"), ("gender", "gender"), ("ethnicity", "ethnicity"), ("birthPlace", "birth place"),
             ("associatedPlace", "associated place"), ("basedIn", "based in"), ("locatedIn", "located in"))


def preview(store: CaseStore, base: str, identifier: str) -> Facts:
    """The facts a preview shows of the record an identifier names; NotFound when the store has no such record."""
    return facts(store, iri_of(base, identifier))



def suggest_records(store: CaseStore, index: SearchIndex, text: str, cursor: int = 0, limit: int = DEFAULT_LIMIT) -> list[Facts]:
    """Records whose names start with (then hold) the text, skipping the first `cursor`, for auto-completion."""
    if not text.strip():
        return []
    return [facts(store, hit.iri) for hit in index.search(text, limit=cursor + limit)[cursor:]]


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
