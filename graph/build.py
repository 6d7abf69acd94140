"""Building the store from the files in the repository: validate everything, then load it all."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import InvalidData, NotFound, SourceFileError
from casegraph.namespaces import ONTOLOGY_IRI
from casegraph.paths import ontology_files
from casegraph.sources import SourceFile, read_source, source_files
from casegraph.store import CaseStore
from casegraph.validate import Report, layout_violation, validate_source

Step = Callable[[str], None]


BUILD_FILE = "casegraph-build.json"


@dataclass(frozen=True)
class BuildResult:
    """What a build loaded, and the identity of its content."""

    sources: list[str]
    triples: int
    digest: str = ""
    built: str = ""


def read_build(store_dir: Path) -> BuildResult:
    """The record a build left in the store directory; NotFound if there is none."""
    path = store_dir / BUILD_FILE
    if not path.is_file():
        raise NotFound(f"{store_dir} has no build record: rebuild it with `casegraph build`")
    return BuildResult(**json.loads(path.read_text(encoding="utf-8")))


def _digest(sources: list[SourceFile], base: str) -> str:
    """A digest of everything the store is built from, so equal inputs give equal stores and ETags."""
    digest = hashlib.sha256(base.encode())
    for path in [*ontology_files(), *(s.path for s in sources)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def read_and_validate(directory: Path, base: str, step: Step | None = None) -> tuple[list[SourceFile], Report]:
    """Read and validate every source file of a directory; the report holds every violation found."""
    report, sources, seen = Report(), [], dict[str, str]()
    for path in source_files(directory):
        try:
            source = read_source(path, base)
        except SourceFileError as error:
            report.extend(Report([layout_violation(error)], [str(path)]))
            continue
        twice = [g.value for g in source.graphs if g.value in seen]
        if twice:
            duplicate = SourceFileError(str(path), f"declares {twice[0]}, already declared by {seen[twice[0]]}")
            report.extend(Report([layout_violation(duplicate)], [str(path)]))
            continue
        seen.update({g.value: str(path) for g in source.graphs})
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
    result = BuildResult([g.value for s in sources for g in s.graphs], len(store), _digest(sources, base),
                         datetime.now(UTC).replace(microsecond=0).isoformat())
    del store
    (fresh / BUILD_FILE).write_text(json.dumps(asdict(result), indent=1), encoding="utf-8")
    _swap(fresh, store_dir)
    return result


def _swap(fresh: Path, target: Path) -> None:
    """Replace the target directory with the fresh one, so a failed build leaves the old store intact."""
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
