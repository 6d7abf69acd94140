"""The commands that make a store: build, import and synth."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from graph.cli.console import StoreOption, err, progress_bar, settings_for, user_errors
from graph.editions.build import build as build_store
from graph.editions.build import input_files, remote_datasets
from graph.editions.served import StoreInUse, holding, remove_generations
from graph.errors import UsageError
from graph.ingest.importer import Outcome, run_import
from graph.ingest.mapping import load_mapping
from graph.ingest.synth import write_synthetic
from graph.matching.links import links_file, load_links


def build(
    sources: Annotated[Path | None, typer.Option(help="Directory of source files [default: CASEGRAPH_SOURCES, then "
                                                     "CASEGRAPH_WRITABLE_SOURCES].")] = None,
    store: StoreOption = None,
) -> None:
    """Validate every source document and build the store from them; refuse all of it on any violation."""
    settings = settings_for(store)
    directories = [sources] if sources else settings.source_dirs
    with user_errors(), _building(settings.store), progress_bar() as progress:
        task = progress.add_task("validating and loading", total=len(input_files(directories)))
        result = build_store(directories, settings.store, settings.base, lambda _: progress.advance(task),
                             remote=remote_datasets(settings))
        remove_generations(settings.store)
    built = f"the remote dataset at {settings.sparql_query_url}" if settings.remote else str(settings.store)
    err.print(f"[green]✓[/] built {built}: {result.documents} sources, {result.triples} quads")


@contextmanager
def _building(store: Path) -> Iterator[None]:
    """Hold the store's lock for a build: a server serving it, or another build, refuses the build with what to do instead.

    A build replaces the store's directory, and knows nothing of the generations a server makes on
    each write through the API: built under a running server, it would be served in pieces, or a
    write landing meanwhile would be served from a store the build then drops.
    """
    try:
        with holding(store):
            yield
    except StoreInUse as error:
        raise UsageError(
            f"{error}; nothing was built. Write sources through the running server's API "
            f"(POST /sources), which serves them at once, or stop the server and start it again: it builds the store from "
            f"the files when they changed.") from None


def import_table(
    mapping: Annotated[Path, typer.Option("--mapping", help="The TOML mapping saying how rows become records.")],
    tables: Annotated[list[Path] | None, typer.Argument(
        help="The CSV files, or JSON files of records, to import [default: the mapping's [input] files].")] = None,
    output: Annotated[Path | None, typer.Option(help="Directory to write {name}.trig into [default: CASEGRAPH_SOURCES].")] = None,
    links: Annotated[Path | None, typer.Option(help="Curated links to records already in the graph [default: shipped].")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Map and check every row, but write nothing.")] = False,
    report: Annotated[Path | None, typer.Option(help="Also write the per-row report to this file as JSON.")] = None,
) -> None:
    """Import a table through a mapping: one source document per row, checked with the shapes; bad rows are reported."""
    settings = settings_for()
    with user_errors(), progress_bar() as progress:
        plan = load_mapping(mapping)
        task = progress.add_task(f"importing {', '.join(t.name for t in tables or plan.files)}", total=None)
        outcome = run_import(list(tables or []), plan, settings.base, load_links(links or links_file(), settings.base),
                             output or settings.sources, dry_run, lambda n: progress.advance(task, n))
    _print_import(outcome, dry_run)
    if report:
        problems = [asdict(p) for p in outcome.imported.problems]
        report.write_text(json.dumps(problems, ensure_ascii=False, indent=1), encoding="utf-8")


def _print_import(outcome: Outcome, dry_run: bool) -> None:
    problems = outcome.imported.problems
    if problems:
        files = {p.file for p in problems}
        table = Table(*(["file"] if len(files) > 1 else []), "row", "column", "value", "rule", "outcome",
                      title="Rows with problems", title_justify="left")
        for p in problems:
            cells = [*([Path(p.file).name] if len(files) > 1 else []), str(p.line), p.column, p.value, p.rule, p.outcome]
            table.add_row(*map(escape, cells))
        err.print(table)
    imported = outcome.imported
    done = "would write" if dry_run and outcome.changed else "wrote" if outcome.changed else "unchanged:"
    err.print(f"[green]✓[/] {len(imported.graphs)} of {imported.rows} rows imported, {len(imported.refused)} left out; "
              f"{done} {escape(str(outcome.output))}", highlight=False, soft_wrap=True)
    err.print(f"  cells the mapping reads: {imported.cells_imported} of {imported.cells} imported, "
              f"{imported.cells_ignored} read and deliberately left out (ignore, otherwise)", highlight=False, soft_wrap=True)


def synth(
    cases: Annotated[int, typer.Option("--cases", min=1, help="How many cases to make.")],
    output: Annotated[Path, typer.Option(help="Directory for the synthetic-NNNN.trig files (build with --sources DIR).")],
    seed: Annotated[int, typer.Option(help="The same seed always makes the same collection.")] = 1,
) -> None:
    """Write a synthetic collection with the real graph's shape, for measuring at scale; every record says it is synthetic."""
    with user_errors():
        files = write_synthetic(output, cases, seed, settings_for().base)
    err.print(f"[green]✓[/] {cases} synthetic cases in {len(files)} file(s) under {output}", highlight=False)
