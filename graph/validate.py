"""Validation of source documents against the SHACL shapes, with reports a documenter can act on."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal, get_args

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.term import Node

from casegraph.errors import NotFound, SourceFileError
from casegraph.namespaces import SH, catalog_graph
from casegraph.paths import ontology_files, shapes_files
from casegraph.settings import DEFAULT_BASE
from casegraph.shapes import Data, Result, Shapes, Term, Unsupported, compile_shapes
from casegraph.sources import CG_SOURCE, SourceFile, read_source
from casegraph.store import CaseStore


class _IllTypedLiterals(logging.Filter):
    """Drops rdflib's traceback for a literal its datatype does not fit: validation reports those itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


logger = logging.getLogger(__name__)
logging.getLogger("rdflib.term").addFilter(_IllTypedLiterals())
warnings.filterwarnings("ignore", message="Parsing weird boolean", module="rdflib")

Engine = Literal["compiled", "pyshacl"]
ENGINES: tuple[Engine, ...] = get_args(Engine)

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
def shapes_graph() -> Graph:
    """The SHACL shapes, parsed once; no shapes is an error, never a pass."""
    graph = _parse_turtle(shapes_files())
    if not any(graph.subjects(RDF.type, SH.NodeShape)):
        raise NotFound("no SHACL node shapes found in shapes/; refusing to validate against nothing")
    return graph


@cache
def ontology_graph() -> Graph:
    """The ontology and its concept schemes, parsed once; mixed into the data for subclass targets."""
    return _parse_turtle(ontology_files())


@cache
def compiled_shapes() -> Shapes | None:
    """The shapes compiled to Python checks, or None when they use a feature only pyshacl checks."""
    try:
        return compile_shapes(shapes_graph())
    except Unsupported as error:
        logger.warning("the shapes are checked by pyshacl alone: %s", error)
        return None


def prepare() -> None:
    """Compile the shapes and index the ontology now, so that the first write does not wait for it."""
    compiled_shapes()
    ontology_data()


@cache
def ontology_data() -> Data:
    """The ontology indexed for the compiled shapes, read once."""
    triples = (t for path in ontology_files() for t in ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    return Data((t.subject, t.predicate, t.object) for t in triples)


def _parse_turtle(paths: Iterable[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def validate_file(path: Path, base: str = DEFAULT_BASE, engine: Engine = "compiled") -> Report:
    """Validate one source file: its layout, then its graph against the shapes."""
    try:
        source = read_source(path, base)
    except SourceFileError as error:
        return Report([layout_violation(error)], [str(path)])
    return validate_source(source, str(path), base, engine)


def validate_files(
    paths: Iterable[Path],
    base: str = DEFAULT_BASE,
    progress: Callable[[Path], None] | None = None,
    engine: Engine = "compiled",
) -> Report:
    """Validate several source files, one process per core, and gather every violation in file order."""
    report = Report()
    for path, found in validate_each(list(paths), base, engine):
        report.extend(found)
        if progress:
            progress(path)
    return report


def validate_each(paths: list[Path], base: str, engine: Engine = "compiled") -> Iterator[tuple[Path, Report]]:
    """Each file's report, in order; files are independent, so several validate at once where there are cores."""
    jobs = min(os.cpu_count() or 1, len(paths))
    if jobs < 2:
        yield from ((path, validate_file(path, base, engine)) for path in paths)
        return
    # Spawned, not forked: the caller may hold an open store, which must not be copied into a child.
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from zip(paths, pool.map(validate_file, paths, itertools.repeat(base), itertools.repeat(engine)), strict=True)


def validate_source(source: SourceFile, label: str, base: str = DEFAULT_BASE, engine: Engine = "compiled") -> Report:
    """Validate the facts of a file's source documents, together with their catalog descriptions."""
    catalog = ox.NamedNode(catalog_graph(base))
    held: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
    for quad in source.quads:
        holder = quad.subject if quad.graph_name == catalog else quad.graph_name
        if isinstance(holder, ox.NamedNode):
            held[holder].append(quad)
    violations: list[Violation] = []
    for batch in _batches(source.graphs, held):
        violations += _validate_batch([q for graph in batch for q in held[graph]], tuple(batch), label, base, engine)
    return Report(sorted(violations, key=_sort_key), [label])


def _validate_batch(
    quads: list[ox.Quad], graphs: tuple[ox.NamedNode, ...], label: str, base: str, engine: Engine
) -> list[Violation]:
    # The quads are already the batch's own: its graphs, and their catalog entries.
    graphs_of = _stating(quads, graphs, base)
    shapes = compiled_shapes() if engine == "compiled" else None
    if shapes is None:
        return _pyshacl(quads, label, graphs_of)
    data = Data((q.triple for q in quads), ontology_data())  # type: ignore[misc]
    return [_compiled_violation(result, label, graphs_of) for result in shapes.validate(data)]


def _pyshacl(quads: list[ox.Quad], label: str, graphs_of: Callable[[str], str]) -> list[Violation]:
    data = Graph()
    data.parse(data=ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES), format="nt")
    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none", allow_warnings=False
    )
    return [] if conforms else _violations(results, label, graphs_of)


def validate_store(
    store: CaseStore, progress: Callable[[str], None] | None = None, engine: Engine = "compiled"
) -> Report:
    """Validate every source graph held in a store."""
    graphs = store.source_graphs()
    quads = tuple(q for graph in graphs for q in store.source_quads(graph))
    report = validate_source(SourceFile(Path("store"), tuple(graphs), quads), "store", store.base, engine)
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
    return Violation(
        file=label,
        graph=graphs_of(focus),
        focus=focus,
        path=_result_path(results, results.value(result, SH.resultPath)),
        value=one(SH.value),
        constraint=component.rsplit("#", 1)[-1],
        shape=one(SH.sourceShape) or "",
        message=one(SH.resultMessage) or "breaks a shape constraint",
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
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _compiled_violation(result: Result, label: str, graphs_of: Callable[[str], str]) -> Violation:
    focus = _shown(result.focus)
    return Violation(
        file=label,
        graph=graphs_of(focus),
        focus=focus,
        path=result.path,
        value=None if result.value is None else _shown(result.value),
        constraint=result.component,
        shape=result.shape,
        message=result.message,
    )


def _shown(term: Term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def layout_violation(error: SourceFileError) -> Violation:
    """A source file's layout problem, reported like a shape violation."""
    return Violation(error.file, "", "", None, None, "SourceFileLayout", "", error.message)


def _sort_key(violation: Violation) -> tuple[str, str, str]:
    return (violation.focus, violation.path or "", violation.constraint)
