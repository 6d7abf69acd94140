"""Building the store from the files in the repository: validate everything, then load it all."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import InvalidData, SourceFileError
from casegraph.namespaces import ONTOLOGY_IRI
from casegraph.paths import ontology_files
from casegraph.sources import SourceFile, read_source, source_files
from casegraph.store import CaseStore
from casegraph.validate import Report, layout_violation, validate_source

Step = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    """What a build loaded."""

    sources: list[str]
    triples: int


def read_and_validate(directory: Path, base: str, step: Step | None = None) -> tuple[list[SourceFile], Report]:
    """Read and validate every source file of a directory; the report holds every violation found."""
    report, sources, seen = Report(), [], dict[str, str]()
    for path in source_files(directory):
        try:
            source = read_source(path, base)
        except SourceFileError as error:
            report.extend(Report([layout_violation(error)], [str(path)]))
            continue
        if source.graph.value in seen:
            first = seen[source.graph.value]
            duplicate = SourceFileError(str(path), f"declares {source.graph.value}, already declared by {first}")
            report.extend(Report([layout_violation(duplicate)], [str(path)]))
            continue
        seen[source.graph.value] = str(path)
        report.extend(validate_source(source, str(path), base))
        sources.append(source)
        if step:
            step(path.name)
    return sources, report


def ontology_quads() -> list[ox.Quad]:
    """The ontology's triples, in the ontology's own graph."""
    graph = ox.NamedNode(ONTOLOGY_IRI)
    return [ox.Quad(t.subject, t.predicate, t.object, graph)
            for path in ontology_files() for t in ox.parse(path=path, format=ox.RdfFormat.TURTLE)]


def load(store: CaseStore, sources: list[SourceFile]) -> None:
    """Load the ontology and the given sources into a store."""
    store.add(ontology_quads())
    for source in sources:
        store.add(source.quads)


def build(sources_dir: Path, store_dir: Path, base: str, step: Step | None = None) -> BuildResult:
    """Validate every source, then build the store afresh; on any violation nothing is written."""
    sources, report = read_and_validate(sources_dir, base, step)
    if not report.conforms:
        raise InvalidData(report)
    fresh = store_dir.with_name(store_dir.name + ".building")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.parent.mkdir(parents=True, exist_ok=True)
    store = CaseStore(ox.Store(str(fresh)), base)
    load(store, sources)
    store.oxigraph.flush()
    triples = len(store)
    del store
    _swap(fresh, store_dir)
    return BuildResult([s.graph.value for s in sources], triples)


def _swap(fresh: Path, target: Path) -> None:
    """Replace the target directory with the fresh one, so a failed build leaves the old store intact."""
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
