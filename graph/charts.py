"""The statistics charts: each a query of queries/charts/ run over the live store, read as labelled bars."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from casegraph.paths import queries_dir
from casegraph.queries import NamedQuery, read_query
from casegraph.store import CaseStore


@dataclass(frozen=True)
class Bar:
    """One bar: what is counted, how many, and the record it stands for (if it is one)."""

    label: str
    value: int
    iri: str | None = None


@dataclass(frozen=True)
class Chart:
    """A titled, described list of bars."""

    name: str
    title: str
    description: str
    bars: list[Bar]


@cache
def chart_queries() -> list[NamedQuery]:
    """The chart queries, in the order of their file names."""
    return [read_query(path) for path in sorted((queries_dir() / "charts").glob("*.rq"))]


def charts(store: CaseStore) -> list[Chart]:
    """Every chart, computed from the store as it is now."""
    return [Chart(q.name.split("-", 1)[1], q.title, q.description, _bars(store.select(q.text))) for q in chart_queries()]


def _bars(rows: ox.QuerySolutions) -> list[Bar]:
    names = {v.value for v in rows.variables}
    if "penalty" in names:
        return [Bar(_sentence(row), int(row["count"].value)) for row in rows]
    return [Bar(row["label"].value, int(row["count"].value), row["item"].value if "item" in names and row["item"] else None)
            for row in rows]


def _sentence(row: ox.QuerySolution) -> str:
    """A sentence as read: "6 years 6 months", "12 to 15 years", or the penalty where no term is given."""
    if row["term"]:
        return _duration(row["term"].value)
    low, high = (_duration(row[end].value) if row[end] else "" for end in ("minimum", "maximum"))
    if low and high:
        same_unit = low.endswith(" years") and high.endswith(" years")
        return f"{low.removesuffix(' years') if same_unit else low} to {high}"
    if low or high:
        return f"at least {low}" if low else f"at most {high}"
    return str(row["penalty"].value)


def _duration(duration: str) -> str:
    """An xsd:yearMonthDuration in words: P6Y6M is "6 years 6 months"."""
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?", duration)
    if not match:
        return duration
    parts = [f"{int(n)} {unit}{'s' if int(n) != 1 else ''}" for n, unit in ((match[1], "year"), (match[2], "month")) if n]
    return " ".join(parts) or duration
