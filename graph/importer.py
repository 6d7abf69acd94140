"""Running an import: map a table, check the rows with the shapes, and write the sources file if it changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from casegraph.links import Links
from casegraph.mapping import Mapping
from casegraph.namespaces import ONTOLOGY_IRI, PREFIXES, catalog_graph, local_name
from casegraph.sources import SourceFile
from casegraph.tabular import Imported, Problem, import_table
from casegraph.validate import Violation, validate_source


@dataclass(frozen=True)
class Outcome:
    """What an import did: the mapped rows, the file it wrote to, and whether that file changed."""

    imported: Imported
    output: Path
    changed: bool


def run_import(table: Path, mapping: Mapping, base: str, links: Links, output_dir: Path, dry_run: bool = False,
               progress: Callable[[int], None] | None = None) -> Outcome:
    """Import a table into one sources file; a dry run does everything except write."""
    imported = import_table(table, mapping, base, links, progress)
    check_shapes(imported, base)
    output = output_dir / f"{mapping.name}.trig"
    data = to_trig(imported.quads, base, _header(table, mapping))
    changed = not (output.is_file() and output.read_bytes() == data)
    if changed and not dry_run:
        write_file(output, data)
    return Outcome(imported, output, changed)


def _header(table: Path, mapping: Mapping) -> str:
    return (f"# Written by `casegraph import {table.name} --mapping {mapping.path.name}`: edit the table or the mapping,\n"
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
        line = imported.graphs.pop(graph, None)
        if line is not None:
            where = local_name(violation.path) if violation.path else "record"
            imported.problems.append(Problem(line, where, violation.value or "", violation.message, "row left out"))
    catalog = ox.NamedNode(catalog_graph(base))
    imported.quads = [q for q in imported.quads if _kept(q, imported.graphs, catalog)]


def _kept(quad: ox.Quad, graphs: dict[str, int], catalog: ox.NamedNode) -> bool:
    holder = quad.subject if quad.graph_name == catalog else quad.graph_name
    return isinstance(holder, ox.NamedNode) and holder.value in graphs


# Written IRIs are made relative to this stand-in base, whose scheme no outside address shares: a
# relative reference against the real https base would turn https://elsewhere/ into //elsewhere/.
_STAND_IN = "casegraph:/"


def to_trig(quads: list[ox.Quad], base: str, header: str) -> bytes:
    """The quads as TriG in a stable order, the base's IRIs relative, so equal input gives equal bytes."""
    ordered = sorted({_rebased(q, base) for q in quads}, key=_order)
    body = ox.serialize(ordered, format=ox.RdfFormat.TRIG, prefixes=PREFIXES, base_iri=_STAND_IN) or b""
    declared = f"@base <{_STAND_IN}> .\n".encode()
    # The file must resolve against the configured base when read, so the stand-in's @base goes.
    if body.startswith(declared):
        body = body[len(declared):]
    return header.encode("utf-8") + body


def _order(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def _rebased(quad: ox.Quad, base: str) -> ox.Quad:
    def term(value: Any) -> Any:
        if isinstance(value, ox.NamedNode) and value.value.startswith(base) and not value.value.startswith(ONTOLOGY_IRI):
            return ox.NamedNode(_STAND_IN + value.value[len(base):])
        return value
    return ox.Quad(term(quad.subject), quad.predicate, term(quad.object), term(quad.graph_name))


def write_file(path: Path, data: bytes) -> None:
    """Replace a file atomically: write beside it, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)
