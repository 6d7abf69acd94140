"""Running an import: map a table, check the rows with the shapes, and write the sources file if it changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.files import to_trig, write_durably
from graph.ingest.mapping import Mapping
from graph.ingest.register import read_register
from graph.ingest.tabular import LEFT_OUT, Imported, Problem, import_table, table_files
from graph.matching.links import Links
from graph.namespaces import catalog_graph, local_name
from graph.store.sources import SourceFile, read_source
from graph.validation.validate import Violation, validate_source


@dataclass(frozen=True)
class Outcome:
    """What an import did: the mapped rows, the file it wrote to, and whether that file changed."""

    imported: Imported
    output: Path
    changed: bool


def run_import(tables: Path | list[Path], mapping: Mapping, base: str, links: Links, output_dir: Path, dry_run: bool = False,
               progress: Callable[[int], None] | None = None) -> Outcome:
    """Import one or more tables into one sources file; a dry run does everything except write."""
    files = table_files([tables] if isinstance(tables, Path) else tables, mapping)
    output = output_dir / f"{mapping.name}.trig"
    register = read_register(mapping.register, _used_elsewhere(output_dir, output, base) if mapping.register else set())
    imported = import_table(files, mapping, base, links, progress, register)
    check_shapes(imported, base)
    data = to_trig(imported.quads, base, _header(files, mapping))
    changed = not (output.is_file() and output.read_bytes() == data)
    if changed and not dry_run:
        write_durably(output, data)
    if not dry_run:
        register.write()
    return Outcome(imported, output, changed)


def _used_elsewhere(output_dir: Path, output: Path, base: str) -> set[str]:
    """The IRIs, relative to the base, that the other sources files beside the output name as subjects."""
    used = set()
    for path in sorted(output_dir.glob("*.trig")):
        if path != output:
            used |= {q.subject.value.removeprefix(base) for q in read_source(path, base).quads
                     if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(base)}
    return used



def _header(tables: list[Path], mapping: Mapping) -> str:
    names = " ".join(table.name for table in tables)
    return (f"# Written by `casegraph import {names} --mapping {mapping.path.name}`: edit the table or the mapping,\n"
            "# not this file. Each row is one source document with its own graph; see the mapping's README.\n")

def check_shapes(imported: Imported, base: str) -> None:
    """Validate the accepted rows with the shapes; rows whose records break one are left out and reported."""
    if not imported.graphs:
        return
    source = SourceFile(Path("import"), tuple(ox.NamedNode(g) for g in sorted(imported.graphs)), tuple(imported.quads))
    report = validate_source(source, "import", base)
    broken: dict[str, Violation] = {}
    for violation in report.violations:
        for graph in violation.graph.split(", "):
            broken.setdefault(graph, violation)
    for graph, violation in broken.items():
        place = imported.graphs.pop(graph, None)
        if place is not None:
            where = local_name(violation.path) if violation.path else "record"
            imported.problems.append(Problem(place[1], where, violation.value or "", violation.message, LEFT_OUT, place[0]))
    catalog = ox.NamedNode(catalog_graph(base))
    imported.quads = [q for q in imported.quads if _kept(q, imported.graphs, catalog)]


def _kept(quad: ox.Quad, graphs: dict[str, tuple[str, int]], catalog: ox.NamedNode) -> bool:
    holder = quad.subject if quad.graph_name == catalog else quad.graph_name
    return isinstance(holder, ox.NamedNode) and holder.value in graphs
