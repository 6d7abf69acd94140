"""casegraph's one error hierarchy; the CLI and the service map it to messages and status codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.validation.validate import Report


class CasegraphError(Exception):
    """Base of every error casegraph reports to a user."""


class SourceFileError(CasegraphError):
    """A source file cannot be read, parsed, or does not have the layout of a source document."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message

    def __reduce__(self) -> tuple[type[SourceFileError], tuple[str, str]]:
        """Rebuilt from its parts, so that it crosses a process boundary (the write checker's) intact."""
        return type(self), (self.file, self.message)


class InvalidData(CasegraphError):
    """Data was refused because it breaks the shapes; the report says where and why."""

    def __init__(self, report: Report) -> None:
        count = len(report.violations)
        super().__init__(f"{count} violation{'s' if count != 1 else ''} of the shapes; nothing was written")
        self.report = report

    def __reduce__(self) -> tuple[type[InvalidData], tuple[Report]]:
        """Rebuilt from its report, so that it crosses a process boundary (the write checker's) intact."""
        return type(self), (self.report,)


class ShapesNotCompiled(CasegraphError):
    """The shapes use a SHACL feature the compiled engine does not check; the message names it."""


class QueryError(CasegraphError):
    """A SPARQL query could not be parsed or run."""


class NotFound(CasegraphError):
    """A named thing (graph, query, store) does not exist."""


class UsageError(CasegraphError):
    """A command or request was given arguments that do not fit."""


class TooLarge(CasegraphError):
    """An answer would be too large to compute or return whole."""


class IndexFileError(CasegraphError):
    """A file kept beside a store (such as the search index's) is missing, cut short, or not one this code writes."""
