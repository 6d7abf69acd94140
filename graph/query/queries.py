"""Named SPARQL queries: .rq files whose leading comments give a title and a description."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graph.errors import NotFound
from graph.paths import queries_dir

HEADER = re.compile(r"^#\s*(title|description):\s*(.+?)\s*$")


@dataclass(frozen=True)
class NamedQuery:
    """A query of the queries/ folder."""

    name: str
    title: str
    description: str
    text: str
    path: Path


def read_query(path: Path) -> NamedQuery:
    """Read one .rq file and its title and description comments."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if match := HEADER.match(line):
            fields[match[1]] = match[2]
    return NamedQuery(path.stem, fields.get("title", ""), fields.get("description", ""), text, path)


def load_queries(directory: Path | None = None) -> list[NamedQuery]:
    """Every named query, sorted by name."""
    return [read_query(p) for p in sorted((directory or queries_dir()).glob("*.rq"))]


def named_query(name: str, directory: Path | None = None) -> NamedQuery:
    """The named query with this name; NotFound lists the names there are."""
    queries = {q.name: q for q in load_queries(directory)}
    if name not in queries:
        raise NotFound(f"no query named {name!r}; named queries: {', '.join(queries) or 'none'}")
    return queries[name]


@cache
def page_query(name: str) -> str:
    """The text of a query the pages and indexes run (queries/pages/NAME.rq), which is not offered as a named query."""
    return (queries_dir() / "pages" / f"{name}.rq").read_text(encoding="utf-8")
