"""The casegraph command: build, validate, query, export and summarise the knowledge graph, and explore its networks."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, NoReturn

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from graph.editions.build import build as build_store
from graph.editions.build import input_files
from graph.editions.index import read_index
from graph.editions.served import ServedStore, StoreInUse, holding, open_served, remove_generations, served_edition
from graph.errors import CasegraphError, InvalidData, UsageError
from graph.ingest.importer import Outcome, run_import
from graph.ingest.mapping import load_mapping
from graph.ingest.synth import write_synthetic
from graph.matching.links import links_file, load_links
from graph.matching.reconcile import MINIMUMS, Measured, measure, propose, read_records, to_json, to_text
from graph.network import formats as netformats
from graph.network import network
from graph.network.network import Network, View
from graph.publish.export import FORMATS, export_format
from graph.publish.export import export as export_store
from graph.query.queries import named_query
from graph.query.results import GRAPH_FORMATS, TABULAR_FORMATS, rows, write_result
from graph.query.sparql import run as run_query
from graph.search.textindex import SearchIndex
from graph.settings import Settings, get_settings
from graph.store.store import CaseStore
from graph.validation.validate import ENGINES, Engine, Report, validate_files, validate_store
from graph.writing.documents import FILE_FORMATS, check_file

app = typer.Typer(help=__doc__, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
out = Console()
err = Console(stderr=True)

StoreOption = Annotated[Path | None, typer.Option("--store", help="Store directory [default: CASEGRAPH_STORE or var/store].")]


def _settings(store: Path | None = None) -> Settings:
    base = get_settings()
    return base.model_copy(update={"store": store}) if store else base


def _fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)  # a message quotes user text
    raise typer.Exit(code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn casegraph's errors into a message and an exit code, never a traceback."""
    try:
        yield
    except InvalidData as error:
        _print_report(error.report)
        _fail(str(error), 1)
    except CasegraphError as error:
        _fail(str(error))


def _served(settings: Settings) -> tuple[CaseStore, Path]:
    """The store the server serves (writes through the API included), opened read-only, and its directory."""
    store, edition = open_served(settings)
    _tell(edition, settings)
    return store, edition.directory


def _tell(edition: ServedStore, settings: Settings) -> None:
    """Say on stderr which store is read when it is not the one named, or is out of date with the files."""
    note = edition.note(settings)
    if note:
        err.print(f"[yellow]note:[/] {escape(note)}", highlight=False, soft_wrap=True)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err, transient=True)


def _print_report(report: Report) -> None:
    for violation in report.violations:
        err.print(f"[red]✗[/] {violation.describe()}", highlight=False, soft_wrap=True)
    checked = len(report.checked)
    if report.conforms:
        err.print(f"[green]✓[/] {checked} source{'s' if checked != 1 else ''} conform to the shapes")


@app.command()
def build(
    sources: Annotated[Path | None, typer.Option(help="Directory of source files [default: CASEGRAPH_SOURCES, then "
                                                     "CASEGRAPH_WRITABLE_SOURCES].")] = None,
    store: StoreOption = None,
) -> None:
    """Validate every source document and build the store from them; refuse all of it on any violation."""
    settings = _settings(store)
    directories = [sources] if sources else settings.source_dirs
    with _user_errors(), _building(settings.store), _progress() as progress:
        task = progress.add_task("validating and loading", total=len(input_files(directories)))
        result = build_store(directories, settings.store, settings.base, lambda _: progress.advance(task))
        remove_generations(settings.store)
    err.print(f"[green]✓[/] built {settings.store}: {result.documents} sources, {result.triples} quads")


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


@app.command("import")
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
    settings = _settings()
    with _user_errors(), _progress() as progress:
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


@app.command()
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
    settings = _settings(store)
    with _user_errors():
        if fmt not in ("text", "json"):
            raise UsageError(f"--format must be text or json, not {fmt!r}")
        opened, _ = _served(settings)
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


@app.command()
def synth(
    cases: Annotated[int, typer.Option("--cases", min=1, help="How many cases to make.")],
    output: Annotated[Path, typer.Option(help="Directory for the synthetic-NNNN.trig files (build with --sources DIR).")],
    seed: Annotated[int, typer.Option(help="The same seed always makes the same collection.")] = 1,
) -> None:
    """Write a synthetic collection with the real graph's shape, for measuring at scale; every record says it is synthetic."""
    with _user_errors():
        files = write_synthetic(output, cases, seed, _settings().base)
    err.print(f"[green]✓[/] {cases} synthetic cases in {len(files)} file(s) under {output}", highlight=False)


@app.command()
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
    settings = _settings(store)
    with _user_errors():
        if engine not in ENGINES:
            raise UsageError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        report = _validate_files(files, settings, engine) if files else _validate_store(settings, engine)
    _print_report(report)
    if not report.conforms:
        _fail(f"{len(report.violations)} violation(s) in {len(report.checked)} source(s)", 1)


def _validate_files(files: list[Path], settings: Settings, engine: Engine) -> Report:
    """TriG files as the source files a build reads; the other formats as POST /sources reads them, one document each."""
    documents = [path for path in files if path.suffix.lower() in FILE_FORMATS]
    with _progress() as progress:
        task = progress.add_task("validating", total=len(files))
        # Records the files refer to without declaring them are looked up in the store, when there is one.
        report = validate_files([p for p in files if p not in documents], settings.base, lambda _: progress.advance(task), engine,
                                settings.store)
        for path in documents:
            report.extend(check_file(path, settings.base, engine, settings.store))
            progress.advance(task)
    return report


def _validate_store(settings: Settings, engine: Engine) -> Report:
    store, _ = _served(settings)
    with _progress() as progress:
        task = progress.add_task("validating the store", total=len(store.source_graphs()))
        return validate_store(store, lambda _: progress.advance(task), engine)


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="A .rq file, the name of a query in queries/, or SPARQL text.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(TABULAR_FORMATS + GRAPH_FORMATS)}.")] = "table",
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query over the union of all source graphs."""
    settings = _settings(store)
    with _user_errors():
        if fmt not in TABULAR_FORMATS + GRAPH_FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(TABULAR_FORMATS + GRAPH_FORMATS)}")
        result = run_query(_served(settings)[0], _query_text(sparql))
        if fmt == "table" and isinstance(result, ox.QuerySolutions):
            _print_table(result, settings.base)
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


def _print_table(result: ox.QuerySolutions, base: str) -> None:
    variables, values = rows(result, base)
    table = Table(*variables, show_lines=False)
    for row in values:
        table.add_row(*row)
    out.print(table)
    err.print(f"{len(values)} row{'s' if len(values) != 1 else ''}")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}.")] = "trig",
    graph: Annotated[str | None, typer.Option(help="One source graph: its IRI or short name.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write [default: standard output].")] = None,
    store: StoreOption = None,
) -> None:
    """Export the whole graph (quad formats keep each source's graph) or one source graph."""
    settings = _settings(store)
    with _user_errors():
        chosen = export_format(fmt)
        case_store, _ = _served(settings)
        named = case_store.graph(graph) if graph else None
        if output is None:
            export_store(case_store, chosen, sys.stdout.buffer, named)
            sys.stdout.flush()
            return
        with output.open("wb") as handle:
            export_store(case_store, chosen, handle, named)
    err.print(f"[green]✓[/] wrote {output}")


@app.command()
def summary(store: StoreOption = None) -> None:
    """Print what the store holds: its sources and how many of each kind of record."""
    settings = _settings(store)
    with _user_errors():
        case_store, directory = _served(settings)
        out.print(f"casegraph store at {directory} (base {settings.base}): {len(case_store)} distinct triples\n")
        variables, sources = rows(case_store.select(named_query("sources").text), settings.base)
        for row in (dict(zip(variables, values, strict=True)) for values in sources):
            out.print(f"{row['source']} {row['publisher']}, {row['issued'] or 'undated'}: \u201c{row['title']}\u201d "
                      f"({row['kind']}; address {row['addressStatus']}): {row['statements']} statements", highlight=False)
        out.print()
        _print_table(case_store.select(named_query("records-by-class").text), settings.base)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on [default: CASEGRAPH_HOST or 127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: CASEGRAPH_PORT or 8000].")] = None,
    store: StoreOption = None,
) -> None:
    """Serve the SPARQL endpoint, building the store first if it is missing."""
    # The web layer lives in service/; the CLI only starts it.
    import uvicorn

    from service.app import create_app, open_store

    settings = _settings(store)
    settings = settings.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v is not None})
    with ExitStack() as held:
        with _user_errors():
            held.enter_context(holding(settings.store))  # before building it: a build may be running, or another server
            open_store(settings)
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, access_log=settings.access_log)


graph_app = typer.Typer(help="Relationship networks: ego networks, explained paths and measures.", no_args_is_help=True)
app.add_typer(graph_app, name="graph")
ViewOption = Annotated[str, typer.Option(help="people, cases, shared or all.")]
KindsOption = Annotated[str | None, typer.Option(help="Comma-separated edge kinds to follow, e.g. businessPartner,court.")]
NetFormatOption = Annotated[str, typer.Option("--format", "-f", help="json, cytoscape, graphml, gexf or png.")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="File to write [default: standard output].")]


def _network(settings: Settings, view: str) -> tuple[View, SearchIndex]:
    """One view of the store, and the search index that names its nodes, from the store's index files (made when needed)."""
    edition = served_edition(settings)
    _tell(edition, settings)
    search, views = read_index(edition.directory, settings.base)
    return network.view(views, view), search


def _write_network(graph: Network, fmt: str, output: Path | None) -> None:
    data = netformats.write(graph, fmt)
    if output is None:
        if fmt == "png":
            raise UsageError("a PNG goes to a file: add --output FILE.png")
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.flush()
        return
    output.write_bytes(data)
    err.print(f"[green]✓[/] wrote {output} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} links)")


@graph_app.command("ego")
def graph_ego(
    node: Annotated[str, typer.Argument(help="An IRI, a path such as person/tahir-imin, or a name that finds one node.")],
    depth: Annotated[int, typer.Option(help="How many links out.")] = 1,
    kinds: KindsOption = None, view: ViewOption = "all", fmt: NetFormatOption = "json",
    output: OutputOption = None, store: StoreOption = None,
) -> None:
    """The ego network of a node: everything within DEPTH links."""
    settings = _settings(store)
    with _user_errors():
        graph, search = _network(settings, view)
        iri = network.resolve(graph, search, node, settings.base)
        _write_network(network.ego(graph, [iri], depth, network.parse_kinds(kinds)), fmt, output)


@graph_app.command("path")
def graph_path(
    source: Annotated[str, typer.Argument(help="Where the paths start: an IRI, a path or a name.")],
    target: Annotated[str, typer.Argument(help="Where the paths end: an IRI, a path or a name.")],
    max_length: Annotated[int, typer.Option(help="Longest path to list, in links.")] = 4,
    kinds: KindsOption = None, view: ViewOption = "all",
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json, cytoscape, graphml, gexf or png.")] = "text",
    output: OutputOption = None, store: StoreOption = None,
) -> None:
    """How two nodes are connected: the shortest paths and every path up to MAX_LENGTH, each link with its source."""
    settings = _settings(store)
    with _user_errors():
        graph, search = _network(settings, view)
        start, end = (network.resolve(graph, search, text, settings.base) for text in (source, target))
        found = network.paths(graph, start, end, max_length, network.parse_kinds(kinds))
        if fmt == "json":
            out.print_json(data=found)
        elif fmt == "text":
            _print_paths(found, settings.base)
        else:
            _write_network(network.path_network(graph, found), fmt, output)


def _print_paths(found: dict[str, Any], base: str) -> None:
    if not found["connected"]:
        out.print("not connected: no path links them in this view", highlight=False, markup=False, soft_wrap=True)
        return
    for number, path in enumerate(found["paths"], 1):
        out.print(f"path {number} ({len(path)} links)", highlight=False, markup=False, soft_wrap=True)
        for hop in path:
            out.print(f"  {hop['from_label']} — {hop['to_label']}", highlight=False, markup=False, soft_wrap=True)
            for link in hop["links"]:
                sources = ", ".join(s.removeprefix(base) for s in link["sources"])
                via = f" through {link['via_label']}" if link["via_label"] else ""
                out.print(f"      {link['label']}{via} [{sources}]", highlight=False, markup=False, soft_wrap=True)


@graph_app.command("stats")
def graph_stats(view: ViewOption = "all", top: Annotated[int, typer.Option(help="How many of the most central nodes.")] = 10,
                store: StoreOption = None) -> None:
    """Measures of a view: size, components, degree, betweenness and eigenvector centrality, communities."""
    settings = _settings(store)
    with _user_errors():
        out.print_json(data=network.measures(_network(settings, view)[0], top))


def main() -> None:
    """Entry point for `python -m graph`."""
    app()
