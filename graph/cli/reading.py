"""The commands that read a store or check files: reconcile, validate, query, export and summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.table import Table

from graph.cli.console import (
    StoreOption,
    err,
    fail,
    out,
    print_report,
    print_table,
    progress_bar,
    served,
    settings_for,
    user_errors,
)
from graph.errors import UsageError
from graph.matching.reconcile import MINIMUMS, Measured, measure, propose, read_records, to_json, to_text
from graph.publish.export import FORMATS, export_format
from graph.publish.export import export as export_store
from graph.query.queries import named_query
from graph.query.results import GRAPH_FORMATS, TABULAR_FORMATS, rows, write_result
from graph.query.sparql import run as run_query
from graph.settings import Settings
from graph.validation.validate import ENGINES, Engine, Report, validate_files, validate_store
from graph.writing.documents import FILE_FORMATS, check_file


def reconcile(
    store: StoreOption = None,
    minimum: Annotated[float, typer.Option(
        help="Least score in bits: log2 of how much likelier the pair's comparisons are for one person than for two.")] = 10.0,
    limit: Annotated[int, typer.Option(help="Most candidates to list.")] = 100,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    measuring: Annotated[bool, typer.Option(
        "--measure", help="Instead, print precision and recall on the pairs the graph already joins or keeps apart.")] = False,
) -> None:
    """Propose person records that may be one person, with the evidence; merges nothing (confirm in links.toml)."""
    settings = settings_for(store)
    with user_errors():
        if fmt not in ("text", "json"):
            raise UsageError(f"--format must be text or json, not {fmt!r}")
        opened, _ = served(settings)
        if measuring:
            _print_measured(measure(read_records(opened), MINIMUMS), fmt)
            return
        found = propose(opened, minimum, limit)
    if fmt == "json":
        out.print_json(data=to_json(found))
    else:
        out.print(to_text(found), highlight=False, soft_wrap=True, markup=False)


def _print_measured(results: list[Measured], fmt: str) -> None:
    rows = [{"minimum": r.minimum, "one person": r.joined, "two people": r.apart, "found": r.proposed_joined,
             "wrongly proposed": r.proposed_apart, "precision": round(r.precision, 3), "recall": round(r.recall, 3)}
            for r in results]
    if fmt == "json":
        out.print_json(data=rows)
        return
    table = Table(*rows[0], title="Proposals on the labelled pairs (one person: joined by the graph; two people: kept apart)")
    for row in rows:
        table.add_row(*map(str, row.values()))
    out.print(table)


def validate(
    files: Annotated[list[Path] | None, typer.Argument(
        help="Files to check: TriG source files, or one source document each in Turtle (.ttl), JSON-LD (.jsonld), "
             "N-Triples (.nt), N-Quads (.nq) or RDF/XML (.rdf), as POST /sources takes them; none checks the store.")] = None,
    store: StoreOption = None,
    engine: Annotated[
        str, typer.Option(help="compiled: the shapes as Python checks, refusing shapes that use a feature they lack; "
                    "pyshacl: the reference they are tested against, 9 to 17 times slower.")
    ] = "compiled",
) -> None:
    """Check source files (or every source graph in the store) against the shapes and the ontology's terms; exit 1 on violations.

    Files may refer to records of the store by IRI alone.
    """
    settings = settings_for(store)
    with user_errors():
        if engine not in ENGINES:
            raise UsageError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        report = _validate_files(files, settings, engine) if files else _validate_store(settings, engine)
    print_report(report)
    if not report.conforms:
        fail(f"{len(report.violations)} violation(s) in {len(report.checked)} source(s)", 1)


def _validate_files(files: list[Path], settings: Settings, engine: Engine) -> Report:
    """TriG files as the source files a build reads; the other formats as POST /sources reads them, one document each."""
    documents = [path for path in files if path.suffix.lower() in FILE_FORMATS]
    with progress_bar() as progress:
        task = progress.add_task("validating", total=len(files))
        # Records the files refer to without declaring them are looked up in the store, when there is one.
        report = validate_files([p for p in files if p not in documents], settings.base, lambda _: progress.advance(task), engine,
                                settings.store)
        for path in documents:
            report.extend(check_file(path, settings.base, engine, settings.store))
            progress.advance(task)
    return report


def _validate_store(settings: Settings, engine: Engine) -> Report:
    store, _ = served(settings)
    with progress_bar() as progress:
        task = progress.add_task("validating the store", total=len(store.source_graphs()))
        return validate_store(store, lambda _: progress.advance(task), engine)


def query(
    sparql: Annotated[str, typer.Argument(help="A .rq file, the name of a query in queries/, or SPARQL text.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(TABULAR_FORMATS + GRAPH_FORMATS)}.")] = "table",
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query over the union of all source graphs."""
    settings = settings_for(store)
    with user_errors():
        if fmt not in TABULAR_FORMATS + GRAPH_FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(TABULAR_FORMATS + GRAPH_FORMATS)}")
        result = run_query(served(settings)[0], _query_text(sparql))
        if fmt == "table" and isinstance(result, ox.QuerySolutions):
            print_table(result, settings.base)
        else:
            write_result(result, fmt, sys.stdout.buffer)
            sys.stdout.flush()


def _query_text(argument: str) -> str:
    path = Path(argument)
    if path.suffix == ".rq" or _is_file(path):
        if not _is_file(path):
            raise UsageError(f"no query file {argument}")
        return path.read_text(encoding="utf-8")
    if argument.replace("-", "").isalnum():
        return named_query(argument).text
    return argument


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a query given inline can be longer than a file name may be
        return False


def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}.")] = "trig",
    graph: Annotated[str | None, typer.Option(help="One source graph: its IRI or short name.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write [default: standard output].")] = None,
    store: StoreOption = None,
) -> None:
    """Export the whole graph (quad formats keep each source's graph) or one source graph."""
    settings = settings_for(store)
    with user_errors():
        chosen = export_format(fmt)
        case_store, _ = served(settings)
        named = case_store.graph(graph) if graph else None
        if output is None:
            export_store(case_store, chosen, sys.stdout.buffer, named)
            sys.stdout.flush()
            return
        with output.open("wb") as handle:
            export_store(case_store, chosen, handle, named)
    err.print(f"[green]✓[/] wrote {output}")


def summary(store: StoreOption = None) -> None:
    """Print what the store holds: its sources and how many of each kind of record."""
    settings = settings_for(store)
    with user_errors():
        case_store, directory = served(settings)
        out.print(f"casegraph store at {directory} (base {settings.base}): {len(case_store)} distinct triples\n")
        variables, sources = rows(case_store.select(named_query("sources").text), settings.base)
        for row in (dict(zip(variables, values, strict=True)) for values in sources):
            out.print(f"{row['source']} {row['publisher']}, {row['issued'] or 'undated'}: \u201c{row['title']}\u201d "
                      f"({row['kind']}; address {row['addressStatus']}): {row['statements']} statements", highlight=False)
        out.print()
        print_table(case_store.select(named_query("records-by-class").text), settings.base)
