"""The SHACL shapes compiled to Python checks over pyoxigraph terms, with the results pyshacl gives.

pyshacl spends most of each run setting itself up: about 20 ms for one document, and 145 s for the
10,000-case collection even file by file in parallel. Here the shapes are read once into plain
objects that check a graph indexed by subject. Only the SHACL Core features the shapes use are
compiled; a shape using any other makes `compile_shapes` raise `Unsupported`, naming the feature, and
validation with this engine is refused rather than handed to pyshacl. Where pyshacl leans on rdflib
(whether a literal is well formed for its datatype, how two literals order) the same rdflib calls
decide here, so the two agree; the tests run both on the same documents and compare every result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox
import rdflib
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph.namespaces import SH
from graph.validation.indexed import NOTHING, RDF_TYPE, Data, Facts
from graph.validation.literals import (
    Term,
    at_most,
    compare_literal,
    has_datatype,
    one_per_value,
    rdflib_literal,
    repeated_languages,
)

Check = Callable[["Data", Term, Set[Term]], Iterable[Term | None]]

ON_EMPTY = {"MinCountConstraintComponent", "HasValueConstraintComponent"}

# Words in a shape that carry no constraint.
_QUIET = {RDF.type, RDFS.comment, RDFS.label, SH.name, SH.description, SH.order, SH.group, SH.targetClass}
_NODE_KINDS: dict[URIRef, tuple[type, ...]] = {
    SH.IRI: (ox.NamedNode,),
    SH.BlankNode: (ox.BlankNode,),
    SH.Literal: (ox.Literal,),
    SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode),
    SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
    SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
}


class Unsupported(Exception):
    """The shapes use a SHACL feature that is not compiled here."""


@dataclass(frozen=True)
class Result:
    """One validation result, as pyshacl would report it."""

    focus: Term
    path: str | None
    value: Term | None
    component: str
    shape: str
    message: str


@dataclass(eq=False)
class Shape:
    """A node or property shape: its constraints, and the property shapes it holds."""

    name: str
    path: tuple[ox.NamedNode, ...] | None
    shown_path: str | None
    message: str
    checks: list[tuple[str, Check]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)

    @cached_property
    def on_empty(self) -> bool:
        """Whether a constraint here can fail when the path has no values; other shapes are skipped then."""
        return any(component in ON_EMPTY for component, _ in self.checks)

    def check(self, data: Data, focus: Term, about: Facts, found: list[Result]) -> None:
        """Add the results of this shape's own constraints for one focus node, whose facts are `about`."""
        if self.path is None:
            values: Set[Term] = {focus}
        elif len(self.path) == 1:
            values = about.get(self.path[0], NOTHING)
        else:
            values = set().union(*(about.get(predicate, NOTHING) for predicate in self.path))
        if len(values) > 1:
            values = one_per_value(values)
        if values or self.on_empty:
            for component, check in self.checks:
                for value in check(data, focus, values):
                    found.append(Result(focus, self.shown_path, value, component, self.name, self.message))

    def parts(self) -> list[Shape]:
        """This shape and its property shapes."""
        return [self, *self.properties]

    def conforms(self, data: Data, focus: Term) -> bool:
        """True when the focus node breaks none of the shape's constraints."""
        found: list[Result] = []
        about = data.about(focus)
        for part in self.parts():
            part.check(data, focus, about, found)
        return not found


@dataclass(frozen=True)
class _Plan:
    """The shape parts that apply to one set of classes: those that run always, and those run per predicate."""

    always: tuple[Shape, ...]
    by_predicate: dict[ox.NamedNode, tuple[Shape, ...]]

    @classmethod
    def of(cls, shapes: Iterable[Shape]) -> _Plan:
        always: list[Shape] = []
        by_predicate: dict[ox.NamedNode, list[Shape]] = {}
        for part in (part for shape in shapes for part in shape.parts() if part.checks):
            if part.path is not None and len(part.path) == 1 and not part.on_empty:
                by_predicate.setdefault(part.path[0], []).append(part)
            else:
                always.append(part)
        return cls(tuple(always), {predicate: tuple(parts) for predicate, parts in by_predicate.items()})


@dataclass(frozen=True)
class Shapes:
    """The compiled shapes, by the classes they target."""

    targeted: dict[Term, tuple[Shape, ...]]

    def validate(self, data: Data) -> list[Result]:
        """Every result for every focus node of the data."""
        found: list[Result] = []
        plans: dict[frozenset[Term], _Plan] = {}
        for focus in data.subjects():
            about = data.about(focus)
            if RDF_TYPE not in about:
                continue
            classes = data.classes(focus)
            if classes not in plans:
                named = {shape.name: shape for cls in classes for shape in self.targeted.get(cls, ())}
                plans[classes] = _Plan.of(named.values())
            plan = plans[classes]
            for part in plan.always:
                part.check(data, focus, about, found)
            # A part with a single predicate and no minimum can only fail on values, so only the
            # focus node's own predicates are looked at.
            for predicate in about:
                for part in plan.by_predicate.get(predicate, ()):
                    part.check(data, focus, about, found)
        return found


def compile_shapes(graph: Graph) -> Shapes:
    """Compile every shape with a target class; raise Unsupported for anything pyshacl alone can check."""
    for target in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.severity, SH.deactivated):
        if (None, target, None) in graph:
            raise Unsupported(f"{target} is not compiled")
    for kind in (RDFS.Class, OWL.Class):
        if any((node, RDF.type, kind) in graph for node in graph.subjects(RDF.type, SH.NodeShape)):
            raise Unsupported("a shape that is also a class (an implicit class target) is not compiled")
    compiler = _Compiler(graph)
    targeted: dict[Term, list[Shape]] = {}
    for node in sorted(set(graph.subjects(SH.targetClass, None)), key=str):
        shape = compiler.shape(node)
        for part in (node, *graph.objects(node, SH.property)):
            messages = len(list(graph.objects(part, SH.message)))
            if compiler.done[part].checks and messages != 1:
                raise Unsupported(f"shape {part} reports with {messages} sh:message; pyshacl's own wording is not copied")
        for cls in graph.objects(node, SH.targetClass):
            targeted.setdefault(_term(cls), []).append(shape)
    return Shapes({cls: tuple(shapes) for cls, shapes in targeted.items()})


class _Compiler:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.done: dict[Node, Shape] = {}
        self.open: set[Node] = set()

    def shape(self, node: Node) -> Shape:
        if node in self.done:
            return self.done[node]
        if node in self.open:
            raise Unsupported(f"recursive shape {node}")
        self.open.add(node)
        messages = list(self.graph.objects(node, SH.message))
        path = self.graph.value(node, SH.path)
        shape = Shape(
            name=_shown(node),
            path=None if path is None else self._path(path),
            shown_path=None if path is None else self._shown_path(path),
            message=str(messages[0]) if messages else "",
        )
        for parameter, value in self.graph.predicate_objects(node):
            if parameter in _QUIET or parameter in (SH.message, SH.path):
                continue
            if parameter == SH.property and path is not None:
                raise Unsupported(f"sh:property inside the property shape {node}")
            if parameter == SH.property:
                shape.properties.append(self.shape(value))
            elif isinstance(parameter, URIRef) and str(parameter).startswith(str(SH)):
                shape.checks.append(self._check(parameter, value))
        self.open.discard(node)
        self.done[node] = shape
        return shape

    def _path(self, path: Node) -> tuple[ox.NamedNode, ...]:
        if isinstance(path, URIRef):
            return (ox.NamedNode(str(path)),)
        alternatives = self.graph.value(path, SH.alternativePath)
        items = list(Collection(self.graph, alternatives)) if alternatives is not None else []
        only = len(list(self.graph.predicate_objects(path))) == 1
        if not (only and items and all(isinstance(i, URIRef) for i in items)):
            raise Unsupported(f"path {path}: only predicates and sh:alternativePath of predicates are compiled")
        return tuple(ox.NamedNode(str(item)) for item in items)

    def _shown_path(self, path: Node) -> str:
        names = [p.value for p in self._path(path)]
        return names[0] if isinstance(path, URIRef) else " | ".join(names)

    def _check(self, parameter: URIRef, value: Node) -> tuple[str, Check]:
        name = str(parameter)[len(str(SH)):]
        make = _FACTORIES.get(name)
        if make is None:
            raise Unsupported(f"sh:{name} is not compiled")
        return name[0].upper() + name[1:] + "ConstraintComponent", make(self, value)

    def items(self, value: Node) -> list[Node]:
        return list(Collection(self.graph, value))


def _class(_: _Compiler, value: Node) -> Check:
    cls = _term(value)
    return lambda data, focus, values: [v for v in values if isinstance(v, ox.Literal) or cls not in data.classes(v)]


def _datatype(_: _Compiler, value: Node) -> Check:
    if value in (RDFS.Literal, RDFS.Datatype):
        raise Unsupported(f"sh:datatype {value}, which pyshacl reads as any literal")
    datatype = str(value)
    return lambda data, focus, values: [v for v in values if not has_datatype(v, datatype)]


def _node_kind(_: _Compiler, value: Node) -> Check:
    if value not in _NODE_KINDS:
        raise Unsupported(f"sh:nodeKind {value}")
    kinds = _NODE_KINDS[URIRef(str(value))]
    return lambda data, focus, values: [v for v in values if not isinstance(v, kinds)]


def _min_count(_: _Compiler, value: Node) -> Check:
    least = int(str(value))
    return lambda data, focus, values: [None] if len(values) < least else []


def _max_count(_: _Compiler, value: Node) -> Check:
    most = int(str(value))
    return lambda data, focus, values: [None] if len(values) > most else []


def _in(compiler: _Compiler, value: Node) -> Check:
    allowed = frozenset(_iri(item) for item in compiler.items(value))
    return lambda data, focus, values: [v for v in values if v not in allowed]


def _has_value(_: _Compiler, value: Node) -> Check:
    wanted = _iri(value)
    return lambda data, focus, values: [] if wanted in values else [None]


def _unique_lang(_: _Compiler, value: Node) -> Check:
    if not _python(value):
        return lambda data, focus, values: []
    return lambda data, focus, values: [None for _ in repeated_languages(values)]


def _min_inclusive(_: _Compiler, value: Node) -> Check:
    return _ordered(value, lambda order: order >= 0)


def _max_inclusive(_: _Compiler, value: Node) -> Check:
    return _ordered(value, lambda order: order <= 0)


def _less_than_or_equals(_: _Compiler, value: Node) -> Check:
    other = _term(value)
    if not isinstance(other, ox.NamedNode):
        raise Unsupported(f"sh:lessThanOrEquals {value}")
    return lambda data, focus, values: [
        v for v in values for w in one_per_value(data.values(focus, other)) if not at_most(v, w)
    ]


def _node(compiler: _Compiler, value: Node) -> Check:
    shape = compiler.shape(value)
    return lambda data, focus, values: [v for v in values if not shape.conforms(data, v)]


def _not(compiler: _Compiler, value: Node) -> Check:
    shape = compiler.shape(value)
    return lambda data, focus, values: [v for v in values if shape.conforms(data, v)]


def _or(compiler: _Compiler, value: Node) -> Check:
    shapes = [compiler.shape(item) for item in compiler.items(value)]
    return lambda data, focus, values: [v for v in values if not any(s.conforms(data, v) for s in shapes)]


_FACTORIES: dict[str, Callable[[_Compiler, Node], Check]] = {
    "class": _class,
    "datatype": _datatype,
    "nodeKind": _node_kind,
    "minCount": _min_count,
    "maxCount": _max_count,
    "in": _in,
    "hasValue": _has_value,
    "uniqueLang": _unique_lang,
    "minInclusive": _min_inclusive,
    "maxInclusive": _max_inclusive,
    "lessThanOrEquals": _less_than_or_equals,
    "node": _node,
    "not": _not,
    "or": _or,
}


def _ordered(bound: Node, accept: Callable[[int], bool]) -> Check:
    if not isinstance(bound, rdflib.Literal):
        raise Unsupported(f"a range bound must be a literal, not {bound}")

    def passes(value: Term) -> bool:
        if not isinstance(value, ox.Literal):
            return False
        literal = rdflib_literal(value)
        if isinstance(literal.value, str) != isinstance(bound.value, str):
            return False
        try:
            return accept(compare_literal(literal, bound))
        except (TypeError, NotImplementedError):
            return False

    return lambda data, focus, values: [v for v in values if not passes(v)]


def _term(node: Node) -> Term:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, rdflib.Literal):
        return ox.Literal(str(node), language=node.language) if node.language else ox.Literal(
            str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string))
        )
    raise Unsupported(f"blank node {node} as a constraint value")


def _iri(node: Node) -> ox.NamedNode:
    if not isinstance(node, URIRef):
        raise Unsupported(f"only IRIs are compiled in sh:in and sh:hasValue, not {node}")
    return ox.NamedNode(str(node))


def _python(node: Node) -> object:
    return node.value if isinstance(node, rdflib.Literal) else None


def _shown(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)
