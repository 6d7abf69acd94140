"""Validation of source documents against the SHACL shapes, with reports a documenter can act on."""

from __future__ import annotations

import calendar
import itertools
import logging
import os
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal, cast, get_args

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.term import Node

from graph.errors import ShapesNotCompiled, SourceFileError
from graph.iris import DEFAULT_BASE
from graph.namespaces import SH, blank_node_text, catalog_graph
from graph.processes import pool
from graph.store.seam import Store
from graph.store.sources import CG_SOURCE, SourceFile, read_source
from graph.validation.indexed import Data
from graph.validation.literals import Term
from graph.validation.references import Declared, Records, Stored, StoredAt, Unresolved, resolve
from graph.validation.rules import ontology_graph, ontology_triples, shapes_graph
from graph.validation.shapes import Result, Shapes, Unsupported, compile_shapes
from graph.validation.terms import unknown_terms


class _IllTypedLiterals(logging.Filter):
    """Drops rdflib's traceback for a literal its datatype does not fit: validation reports those itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_IllTypedLiterals())
warnings.filterwarnings("ignore", message="Parsing weird boolean", module="rdflib")

Engine = Literal["compiled", "pyshacl"]
ENGINES: tuple[Engine, ...] = get_args(Engine)
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
UNKNOWN_TERM, UNRESOLVED = "UnknownTerm", "UnresolvedReference"

@dataclass(frozen=True)
class Violation:
    """One broken constraint: where (file, graph, focus node, path), what value, which rule, and why."""

    file: str
    graph: str
    focus: str
    path: str | None
    value: str | None
    constraint: str
    shape: str
    message: str

    def describe(self) -> str:
        """The violation as one readable paragraph."""
        where = f"{self.focus}" + (f" {self.path}" if self.path else "")
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.file}: {where}{value}: {self.message} [{self.constraint}]"


@dataclass
class Report:
    """The outcome of validating one or more source documents."""

    violations: list[Violation] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        """True when nothing broke a constraint."""
        return not self.violations

    def extend(self, other: Report) -> None:
        """Add another report's findings to this one."""
        self.violations.extend(other.violations)
        self.checked.extend(other.checked)


@cache
def compiled_shapes() -> Shapes:
    """The shipped shapes compiled to Python checks; ShapesNotCompiled if they use a feature the compiled engine lacks."""
    return compile_or_refuse(shapes_graph())


def compile_or_refuse(graph: Graph) -> Shapes:
    """Shapes compiled to Python checks, or ShapesNotCompiled naming the feature that is not: never a silent switch of engine."""
    try:
        return compile_shapes(graph)
    except Unsupported as error:
        raise ShapesNotCompiled(
            f"the shapes use a SHACL feature the compiled engine does not check ({error}); compile it in "
            "graph/validation/shapes.py, or validate with --engine pyshacl") from None


def prepare() -> None:
    """Compile the shapes and index the ontology now, so that the first write does not wait for it."""
    ontology_data()
    # Shapes that do not compile are reported by the check that needs them, not here in the checker's start-up.
    with suppress(ShapesNotCompiled):
        compiled_shapes()


@cache
def ontology_data() -> Data:
    """The ontology indexed for the compiled shapes, read once."""
    return Data(ontology_triples())


def validate_file(path: Path, base: str = DEFAULT_BASE, engine: Engine = "compiled", store: Path | None = None) -> Report:
    """Validate one source file: its layout, then its graph against the shapes, referring to the records of a store if given."""
    try:
        source = read_source(path, base)
    except SourceFileError as error:
        return Report([layout_violation(error)], [str(path)])
    return validate_source(source, str(path), base, engine, [StoredAt(store, base)] if store else [])


def validate_files(
    paths: Iterable[Path],
    base: str = DEFAULT_BASE,
    progress: Callable[[Path], None] | None = None,
    engine: Engine = "compiled",
    store: Path | None = None,
) -> Report:
    """Validate several source files, one process per core, and gather every violation in file order."""
    report = Report()
    for path, found in validate_each(list(paths), base, engine, store):
        report.extend(found)
        if progress:
            progress(path)
    return report


def validate_each(paths: list[Path], base: str, engine: Engine = "compiled", store: Path | None = None
                  ) -> Iterator[tuple[Path, Report]]:
    """Each file's report, in order; files are independent, so several validate at once where there are cores."""
    jobs = min(os.cpu_count() or 1, len(paths))
    if jobs < 2:
        yield from ((path, validate_file(path, base, engine, store)) for path in paths)
        return
    with pool(jobs) as workers:  # spawned, not forked: the caller may hold an open store, which a child must not copy
        found = workers.map(validate_file, paths, itertools.repeat(base), itertools.repeat(engine), itertools.repeat(store))
        yield from zip(paths, found, strict=True)


def validate_source(source: SourceFile, label: str, base: str = DEFAULT_BASE, engine: Engine = "compiled",
                    graphs: Sequence[Records] = ()) -> Report:
    """Validate the facts of a file's source documents, together with their catalog descriptions, and every term they use.

    A record the documents refer to without declaring it is looked up in the file itself, then in `graphs`.
    """
    catalog = ox.NamedNode(catalog_graph(base))
    held: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
    for quad in source.quads:
        stating = quad.subject if quad.graph_name == catalog else quad.graph_name
        if isinstance(stating, ox.NamedNode):
            held[stating].append(quad)
    violations = _unknown_terms(source, label, base)
    within = [Declared.of([source]), *graphs]
    for batch in _batches(source.graphs, held):
        violations += _validate_batch([q for graph in batch for q in held[graph]], tuple(batch), label, base, engine, within)
    return Report(sorted(violations, key=_sort_key), [label])


def _validate_batch(quads: list[ox.Quad], graphs: tuple[ox.NamedNode, ...], label: str, base: str, engine: Engine,
                    within: Sequence[Records]) -> list[Violation]:
    # The quads are already the batch's own: its graphs, and their catalog entries.
    graphs_of = _stating(quads, graphs, base)
    triples = [q.triple for q in quads]
    types, resolved, unresolved = resolve(triples, base, within)
    if engine == "pyshacl":
        found = _pyshacl(triples + types, label, graphs_of)
    else:
        data = Data(((t.subject, t.predicate, t.object) for t in triples + types), ontology_data())  # type: ignore[misc]
        found = [_compiled_violation(result, label, graphs_of) for result in compiled_shapes().validate(data)]
    only_referred = {r.value for r in resolved} - {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    missing = {(_shown(u.subject), u.predicate.value, u.record.value) for u in unresolved}
    # A record only referred to was checked with its own source; a missing one is reported once, by what to do about it.
    kept = [v for v in found if v.focus not in only_referred
            and not (v.constraint == "ClassConstraintComponent" and (v.focus, v.path, v.value) in missing)]
    return kept + [_unresolved(u, label, graphs_of) for u in unresolved]


def _unresolved(reference: Unresolved, label: str, graphs_of: Callable[[str], str]) -> Violation:
    focus = _shown(reference.subject)
    return Violation(label, graphs_of(focus), focus, reference.predicate.value, reference.record.value, UNRESOLVED, "",
                     reference.message)


def _unknown_terms(source: SourceFile, label: str, base: str) -> list[Violation]:
    """The closed-world check of the vocabulary, on every quad of the file."""
    catalog = ox.NamedNode(catalog_graph(base))
    found = []
    for quad in source.quads:
        for unknown in unknown_terms([quad.triple]):
            stating = quad.subject if quad.graph_name == catalog else quad.graph_name
            found.append(Violation(label, _shown(stating), _shown(unknown.subject), unknown.predicate.value,  # type: ignore[arg-type]
                                   _shown(unknown.value), UNKNOWN_TERM, "", unknown.message))
    return found


def _pyshacl(triples: list[ox.Triple], label: str, graphs_of: Callable[[str], str]) -> list[Violation]:
    data = Graph()
    data.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none", allow_warnings=False
    )
    # Asked for no serialisation, pyshacl gives the report as a graph.
    return [] if conforms else _violations(cast(Graph, results), label, graphs_of)


def validate_store(
    store: Store, progress: Callable[[str], None] | None = None, engine: Engine = "compiled"
) -> Report:
    """Validate every source graph held in a store."""
    graphs = store.source_graphs()
    quads = tuple(q for graph in graphs for q in store.source_quads(graph))
    report = validate_source(SourceFile(Path("store"), tuple(graphs), quads), "store", store.base, engine, [Stored(store)])
    report.checked = [g.value for g in graphs]
    if progress:
        for graph in graphs:
            progress(graph.value)
    return report


def _batches(graphs: Iterable[ox.NamedNode], held: dict[ox.NamedNode, list[ox.Quad]]) -> list[list[ox.NamedNode]]:
    """Group source graphs so that no record is described differently by two graphs of one group.

    Validating a merge is only sound when merging changes no record, or two sources' different
    birth dates would break "at most one" though each source states one. Records that several
    sources describe identically (a list and its publisher, repeated in every entry) do not count;
    nor does cg:source, which names each graph and has no upper bound. One run per group instead
    of per graph makes a thousand list entries validate in seconds with pyshacl, and gives both
    engines the same input.
    """
    batches: list[tuple[list[ox.NamedNode], dict[str, frozenset[tuple[str, str]]]]] = []
    for graph in graphs:
        described = _descriptions(held[graph])
        for members, seen in batches:
            if all(seen.get(s, d) == d for s, d in described.items()):
                members.append(graph)
                seen.update(described)
                break
        else:
            batches.append(([graph], dict(described)))
    return [members for members, _ in batches]


def _descriptions(quads: list[ox.Quad]) -> dict[str, frozenset[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for subject, predicate, value, _ in quads:
        if predicate != CG_SOURCE:
            found.setdefault(str(subject), set()).add((str(predicate), str(value)))
    return {subject: frozenset(pairs) for subject, pairs in found.items()}


def _stating(quads: list[ox.Quad], graphs: tuple[ox.NamedNode, ...], base: str) -> Callable[[str], str]:
    """Which source graphs state a focus node: a catalog entry's source, or the graph a fact is in."""
    catalog, stating = ox.NamedNode(catalog_graph(base)), dict[str, set[str]]()
    for quad in quads:
        where = quad.subject.value if quad.graph_name == catalog else quad.graph_name.value  # type: ignore[union-attr]
        stating.setdefault(_shown(quad.subject), set()).add(where)  # type: ignore[arg-type]
    return lambda focus: ", ".join(sorted(stating.get(focus, {graphs[0].value})))


def _violations(results: Graph, label: str, graphs_of: Callable[[str], str]) -> list[Violation]:
    # Only the report's own results: the sh:detail results nested under an sh:node failure repeat them.
    found = (r for report in results.subjects(RDF.type, SH.ValidationReport) for r in results.objects(report, SH.result))
    return [_violation(results, r, label, graphs_of) for r in found if (r, SH.resultSeverity, SH.Violation) in results]


def _violation(results: Graph, result: Node, label: str, graphs_of: Callable[[str], str]) -> Violation:
    def one(predicate: URIRef) -> str | None:
        value = results.value(result, predicate)
        return None if value is None else _show(value)

    component = one(SH.sourceConstraintComponent) or ""
    focus = one(SH.focusNode) or ""
    value = results.value(result, SH.value)
    wrong_date = _nonexistent(str(value), str(value.datatype)) if isinstance(value, rdflib.Literal) else None
    return Violation(
        file=label,
        graph=graphs_of(focus),
        focus=focus,
        path=_result_path(results, results.value(result, SH.resultPath)),
        value=one(SH.value),
        constraint=component.rsplit("#", 1)[-1],
        shape=one(SH.sourceShape) or "",
        message=wrong_date or one(SH.resultMessage) or "breaks a shape constraint",
    )


def _result_path(results: Graph, path: Node | None) -> str | None:
    """A predicate path as its IRI; an alternative path as its predicates joined by " | ", as the compiled shapes show it."""
    if isinstance(path, BNode):
        for graph in (results, shapes_graph()):
            alternatives = graph.value(path, SH.alternativePath)
            if alternatives is not None:
                return " | ".join(str(p) for p in graph.items(alternatives))
    return None if path is None else _show(path)


def _show(term: Node) -> str:
    return blank_node_text(term) if isinstance(term, BNode) else str(term)


def _compiled_violation(result: Result, label: str, graphs_of: Callable[[str], str]) -> Violation:
    focus = _shown(result.focus)
    value = result.value
    wrong_date = _nonexistent(value.value, value.datatype.value) if isinstance(value, ox.Literal) else None
    return Violation(
        file=label,
        graph=graphs_of(focus),
        focus=focus,
        path=result.path,
        value=None if result.value is None else _shown(result.value),
        constraint=result.component,
        shape=result.shape,
        message=wrong_date or result.message,
    )


def _nonexistent(lexical: str, datatype: str) -> str | None:
    """For an xsd:date written as a calendar date that is not one (2014-02-30), a message that says so; else None."""
    if datatype != XSD_DATE:
        return None
    parts = lexical.split("-")
    if len(parts) != 3 or [len(p) for p in parts] != [4, 2, 2] or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    year, month, day = map(int, parts)
    if not 1 <= month <= 12 or day < 1:
        return None
    try:
        date(year, month, day)
    except ValueError:
        return (f"{lexical} is a date that does not exist: {calendar.month_name[month]} {year} has "
                f"{calendar.monthrange(year, month)[1]} days; write the date as the source gives it, or only "
                f"\"{year}-{month:02}\"^^xsd:gYearMonth if the day is in doubt")
    return None


def _shown(term: Term) -> str:
    return blank_node_text(term) if isinstance(term, ox.BlankNode) else term.value


def layout_violation(error: SourceFileError) -> Violation:
    """A source file's layout problem, reported like a shape violation."""
    return Violation(error.file, "", "", None, None, "SourceFileLayout", "", error.message)


def _sort_key(violation: Violation) -> tuple[str, str, str]:
    return (violation.focus, violation.path or "", violation.constraint)
