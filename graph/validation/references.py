"""References to records already in the graph: a document may name one by its IRI alone.

The shapes check a value's class (cg:court must point to a cg:Court), so a record the document
only refers to needs its types while the document is checked. They are read from the graph (a
store, or the other source files of a build) and added to the data being validated, never to the
document kept. A reference found nowhere is refused with what to declare and the nearest records.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from graph.errors import NotFound
from graph.namespaces import CG_IRI, ONTOLOGY_IRI, PREFIXES, catalog_graph
from graph.store.opening import open_store
from graph.store.seam import Store
from graph.store.sources import PREF_LABEL, RDF_TYPE, SourceFile
from graph.validation.rules import ontology_triples
from graph.validation.terms import compact

RANGE = ox.NamedNode(PREFIXES["rdfs"] + "range")
_SIMILAR = 0.6  # least difflib ratio for a record to be suggested
_SUGGESTED = 20  # unresolved references given suggestions, per document
# Identity links may name an IRI minted elsewhere for the same person, which is no record of its own.
_NOT_REFERENCES = {ox.NamedNode(PREFIXES["owl"] + "sameAs")}


class Records(Protocol):
    """The records of a graph that a document may refer to."""

    def types(self, iri: ox.NamedNode) -> frozenset[ox.NamedNode]:
        """The record's rdf:types; empty when the graph does not hold it."""
        ...

    def candidates(self, kind: str) -> Iterable[tuple[str, str]]:
        """Each record whose IRI starts with `kind` (such as .../place/), with each of its labels ("" for none)."""
        ...


@dataclass(frozen=True)
class Declared:
    """The records the given source files declare: the graph a build makes of them."""

    typed: dict[ox.NamedNode, frozenset[ox.NamedNode]]
    labels: dict[ox.NamedNode, tuple[str, ...]]

    @classmethod
    def of(cls, sources: Iterable[SourceFile]) -> Declared:
        """The typed records of the files, with their labels."""
        typed: dict[ox.NamedNode, set[ox.NamedNode]] = {}
        labels: dict[ox.NamedNode, set[str]] = {}
        for source in sources:
            for subject, predicate, value, _ in source.quads:
                if isinstance(subject, ox.NamedNode) and predicate == RDF_TYPE and isinstance(value, ox.NamedNode):
                    typed.setdefault(subject, set()).add(value)
                elif isinstance(subject, ox.NamedNode) and predicate == PREF_LABEL and isinstance(value, ox.Literal):
                    labels.setdefault(subject, set()).add(value.value)
        return cls({s: frozenset(t) for s, t in typed.items()}, {s: tuple(sorted(v)) for s, v in labels.items()})

    def types(self, iri: ox.NamedNode) -> frozenset[ox.NamedNode]:
        """The record's types in the files."""
        return self.typed.get(iri, frozenset())

    def candidates(self, kind: str) -> Iterable[tuple[str, str]]:
        """The files' records of this kind, with their labels."""
        for record in self.typed:
            if record.value.startswith(kind):
                yield from ((record.value, label) for label in self.labels.get(record, ("",)))


@dataclass(frozen=True)
class Stored:
    """The records of a built store: the graph the service serves, or the one `casegraph validate` reads."""

    store: Store
    # The graphs of the document being checked: a replaced source no longer vouches for what its old version declared.
    skip: frozenset[ox.NamedNode] = frozenset()

    def types(self, iri: ox.NamedNode) -> frozenset[ox.NamedNode]:
        """The record's types in the source graphs of the store, other than those skipped."""
        return frozenset(q.object for q in self.store.quads_for_pattern(iri, RDF_TYPE, None)
                         if isinstance(q.object, ox.NamedNode) and isinstance(q.graph_name, ox.NamedNode)
                         and q.graph_name not in self.skip)

    def candidates(self, kind: str) -> Iterable[tuple[str, str]]:
        """The store's records of this kind, with their labels."""
        merged, seen = ox.DefaultGraph(), set()
        for quad in self.store.quads_for_pattern(None, RDF_TYPE, None, merged):
            record = quad.subject
            if isinstance(record, ox.NamedNode) and record.value.startswith(kind) and record not in seen:
                seen.add(record)
                labels = [q.object.value for q in self.store.quads_for_pattern(record, PREF_LABEL, None, merged)
                          if isinstance(q.object, ox.Literal)]
                yield from ((record.value, label) for label in labels or [""])


@dataclass(frozen=True)
class StoredAt:
    """The records of the store in a directory, opened only once a document refers to a record it does not declare.

    Opening a store read-only costs tens of milliseconds, which a document referring to nothing outside itself does not pay.
    """

    path: Path
    base: str
    skip: frozenset[ox.NamedNode] = frozenset()

    def types(self, iri: ox.NamedNode) -> frozenset[ox.NamedNode]:
        """The record's types in the store, outside the graphs skipped; empty when there is no store."""
        graph = stored(self.path, self.base)
        return Stored(graph.store, self.skip).types(iri) if graph else frozenset()

    def candidates(self, kind: str) -> Iterable[tuple[str, str]]:
        """The store's records of this kind; none when there is no store."""
        graph = stored(self.path, self.base)
        return graph.candidates(kind) if graph else ()


@lru_cache(maxsize=1)  # the newest store only: the service serves each write from a new directory
def stored(store_dir: Path, base: str) -> Stored | None:
    """The records of the store in a directory, opened read-only once; None when there is no store there."""
    try:
        return Stored(open_store(store_dir, base, read_only=True))
    except NotFound:
        return None


@dataclass(frozen=True)
class Unresolved:
    """A reference to a record that neither the document nor the graph declares."""

    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    record: ox.NamedNode
    message: str


Uses = list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode]]


def referenced(triples: Iterable[ox.Triple], base: str) -> dict[ox.NamedNode, Uses]:
    """The records under the base that the triples use as values without typing them, with where each is used."""
    listed = list(triples)
    typed = {t.subject for t in listed if t.predicate == RDF_TYPE}
    catalog = catalog_graph(base)
    found: dict[ox.NamedNode, Uses] = {}
    for subject, predicate, value in listed:
        if (isinstance(value, ox.NamedNode) and value not in typed and predicate != RDF_TYPE and predicate not in _NOT_REFERENCES
                and value.value.startswith(base) and not value.value.startswith(ONTOLOGY_IRI) and value.value != catalog):
            found.setdefault(value, []).append((subject, predicate))
    return found


def resolve(triples: Iterable[ox.Triple], base: str, graphs: Iterable[Records]
            ) -> tuple[list[ox.Triple], set[ox.NamedNode], list[Unresolved]]:
    """The types of the records the triples refer to, from the first graph holding each; the references found nowhere."""
    listed = list(triples)
    added: list[ox.Triple] = []
    resolved: set[ox.NamedNode] = set()
    unresolved: list[Unresolved] = []
    sources = list(graphs)
    names: dict[str, dict[str, str]] = {}
    for record, uses in referenced(listed, base).items():
        types = next((found for graph in sources if (found := graph.types(record))), frozenset())
        if types:
            added += [ox.Triple(record, RDF_TYPE, kind) for kind in sorted(types, key=str)]
            resolved.add(record)
            continue
        # Suggestions cost a pass over the records of a kind: a document missing many gets them for the first few.
        near = suggest(record, base, [Declared.of([_as_source(listed)]), *sources], names) if len(unresolved) < _SUGGESTED else []
        unresolved += [Unresolved(subject, predicate, record, _message(record, predicate, near, base))
                       for subject, predicate in uses]
    return added, resolved, unresolved


def _as_source(triples: list[ox.Triple]) -> SourceFile:
    return SourceFile(Path("document"), (), tuple(ox.Quad(t.subject, t.predicate, t.object) for t in triples))


def suggest(record: ox.NamedNode, base: str, graphs: Iterable[Records],
            names: dict[str, dict[str, str]] | None = None) -> list[str]:
    """Up to three records of the same kind named or labelled most like the missing one: first those whose name holds it whole.

    `names` keeps each kind's names and labels between calls.
    """
    kind, _, slug = record.value.removeprefix(base).rpartition("/")
    prefix = base + kind + "/" if kind else base
    known = (names if names is not None else {}).setdefault(prefix, {})
    if not known:
        for graph in graphs:
            for iri, label in graph.candidates(prefix):
                known.setdefault(iri.rpartition("/")[2], iri)
                if label:
                    known.setdefault(label.lower(), iri)
    words = set(slug.split("-"))
    # "aksu" for aksu-prefecture: the missing name is part of a known one, which no similarity ratio ranks high.
    whole = sorted((name for name in known if words <= set(name.split("-"))), key=len)
    close = difflib.get_close_matches(slug, known, n=5, cutoff=_SIMILAR) + \
        difflib.get_close_matches(slug.replace("-", " "), known, n=5, cutoff=_SIMILAR)
    found = dict.fromkeys(known[name] for name in whole + close)
    found.pop(record.value, None)
    return list(found)[:3]


def _message(record: ox.NamedNode, predicate: ox.NamedNode, near: list[str], base: str) -> str:
    kind = _range(predicate.value)
    declare = f"a {compact(kind)} with a skos:prefLabel" if kind else "its rdf:type and a skos:prefLabel"
    guess = f", or did you mean {' or '.join(f'<{iri.removeprefix(base)}>' for iri in near)}?" if near else \
        ", or refer to a record the graph holds by its IRI"
    return f"<{record.value.removeprefix(base)}> is not in the graph; declare it ({declare}){guess}"


def _range(predicate: str) -> str | None:
    ranges = _ranges()
    return ranges.get(predicate)


@cache
def _ranges() -> dict[str, str]:
    """Each cg: property's range in the ontology, where it is a cg: class."""
    return {s.value: o.value for s, p, o in ontology_triples() if p == RANGE and o.value.startswith(CG_IRI)}
