"""What every casegraph command shares: the consoles, the store option, settings, and errors turned into exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import pyoxigraph as ox
import typer
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from graph.editions.served import ServedStore, open_served
from graph.errors import CasegraphError, InvalidData
from graph.query.results import rows
from graph.settings import Settings, get_settings
from graph.store.seam import Rows, Store
from graph.validation.validate import Report

out = Console()
err = Console(stderr=True)

StoreOption = Annotated[Path | None, typer.Option("--store", help="Store directory [default: CASEGRAPH_STORE or var/store].")]


def settings_for(store: Path | None = None) -> Settings:
    try:
        base = get_settings()
    except ValidationError as error:
        fail("; ".join(_setting_error(problem) for problem in error.errors()))
    return base.model_copy(update={"store": store}) if store else base


def _setting_error(problem: ErrorDetails) -> str:
    """One problem with the settings, named by its environment variable when it belongs to one."""
    message = problem["msg"].removeprefix("Value error, ")
    names = [str(part) for part in problem["loc"]]
    return f"CASEGRAPH_{names[0].upper()}: {message}" if names else message


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)  # a message quotes user text
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn casegraph's errors into a message and an exit code, never a traceback."""
    try:
        yield
    except InvalidData as error:
        print_report(error.report)
        fail(str(error), 1)
    except CasegraphError as error:
        fail(str(error))


def served(settings: Settings) -> tuple[Store, Path]:
    """The store the server serves (writes through the API included), opened read-only, and its directory."""
    store, edition = open_served(settings)
    tell(edition, settings)
    return store, edition.directory


def tell(edition: ServedStore, settings: Settings) -> None:
    """Say on stderr which store is read when it is not the one named, or is out of date with the files."""
    note = edition.note(settings)
    if note:
        err.print(f"[yellow]note:[/] {escape(note)}", highlight=False, soft_wrap=True)


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err, transient=True)


def print_report(report: Report) -> None:
    for violation in report.violations:
        err.print(f"[red]✗[/] {violation.describe()}", highlight=False, soft_wrap=True)
    checked = len(report.checked)
    if report.conforms:
        err.print(f"[green]✓[/] {checked} source{'s' if checked != 1 else ''} conform to the shapes")


def print_table(result: Rows | ox.QuerySolutions, base: str) -> None:
    variables, values = rows(result, base)
    table = Table(*variables, show_lines=False)
    for row in values:
        table.add_row(*row)
    out.print(table)
    err.print(f"{len(values)} row{'s' if len(values) != 1 else ''}")
