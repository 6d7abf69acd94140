"""A graph indexed by subject and predicate, with the ontology beside it, for the compiled shapes to check."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set

import pyoxigraph as ox
from rdflib import RDF, RDFS

from graph.validation.literals import Term

RDF_TYPE = ox.NamedNode(str(RDF.type))
SUBCLASS_OF = ox.NamedNode(str(RDFS.subClassOf))
NOTHING: frozenset[Term] = frozenset()
Facts = Mapping[ox.NamedNode, Set[Term]]
NO_FACTS: Facts = {}


class Data:
    """A graph indexed by subject and predicate, read together with the ontology, as pyshacl mixes it in."""

    def __init__(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]], ontology: Data | None = None) -> None:
        self.index: dict[Term, dict[ox.NamedNode, set[Term]]] = {}
        for subject, predicate, value in triples:
            about = self.index.get(subject)
            if about is None:
                self.index[subject] = {predicate: {value}}
            elif predicate in about:
                about[predicate].add(value)
            else:
                about[predicate] = {value}
        self.ontology = ontology
        # Classes declared in the data itself make the ontology's cached hierarchy incomplete.
        self._own_classes = ontology is None or any(SUBCLASS_OF in about for about in self.index.values())
        self._supers: dict[Term, frozenset[Term]] = {}
        self._classes: dict[Term, frozenset[Term]] = {}

    def about(self, subject: Term) -> Facts:
        """Everything said of the subject, in the data or the ontology, by predicate."""
        own = self.index.get(subject, NO_FACTS)
        extra = None if self.ontology is None else self.ontology.index.get(subject)
        if extra is None:
            return own
        merged = {predicate: set(values) for predicate, values in own.items()}
        for predicate, values in extra.items():
            merged.setdefault(predicate, set()).update(values)
        return merged

    def values(self, subject: Term, predicate: ox.NamedNode) -> Set[Term]:
        """The objects of subject and predicate, in the data or the ontology."""
        return self.about(subject).get(predicate, NOTHING)

    def subjects(self) -> Set[Term]:
        """Every subject of the data and the ontology."""
        return self.index.keys() | (self.ontology.index.keys() if self.ontology is not None else set())

    def superclasses(self, cls: Term) -> frozenset[Term]:
        """The class and every class it is a subclass of, transitively."""
        if not self._own_classes and self.ontology is not None:
            return self.ontology.superclasses(cls)
        if cls not in self._supers:
            seen, todo = {cls}, [cls]
            while todo:
                for parent in self.values(todo.pop(), SUBCLASS_OF):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            self._supers[cls] = frozenset(seen)
        return self._supers[cls]

    def classes(self, node: Term) -> frozenset[Term]:
        """Every class the node is a SHACL instance of: its types and their superclasses."""
        if node not in self._classes:
            kinds = self.values(node, RDF_TYPE)
            self._classes[node] = frozenset(cls for kind in kinds for cls in self.superclasses(kind))
        return self._classes[node]
