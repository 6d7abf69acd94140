"""The statistics charts: each a query of queries/charts/ run over the live store, read as labelled bars.

A query gives its bars in one of three forms: a count for each label (and the record it stands
for, if any); a count for each sentence's penalty and term; or, for what has too many values to
show each (places, publishers), a row for each person and value, of which the values with most
people are drawn and the rest make one bar, so that nobody is counted twice in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from graph.paths import queries_dir
from graph.query.queries import NamedQuery, page_query, read_query
from graph.store.seam import Rows, Store

SHOWN = 12  # bars drawn of a chart with a row for each person and value, before the rest are counted together


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


def charts(store: Store) -> list[Chart]:
    """Every chart, computed from the store as it is now."""
    return [Chart(q.name.split("-", 1)[1], q.title, q.description, _bars(store, store.select(q.text))) for q in chart_queries()]


def _bars(store: Store, rows: Rows) -> list[Bar]:
    names = {v.value for v in rows.variables}
    if "person" in names:
        return _most_and_rest(store, rows)
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


def _most_and_rest(store: Store, rows: Rows) -> list[Bar]:
    """The SHOWN values with most people, one bar for the people of all the others, then the rows' fixed labels.

    Each row is a person with a value (?item), or with a label of its own (?label) such as "no place recorded".
    """
    people: dict[str, set[str]] = {}
    fixed: dict[str, set[str]] = {}
    for row in rows:
        person, item = row["person"].value, row["item"]
        if item is not None:
            people.setdefault(item.value, set()).add(person)
        elif row["label"] is not None:
            fixed.setdefault(row["label"].value, set()).add(person)
    ranked = sorted(people, key=lambda item: (-len(people[item]), item))
    bars = [Bar(_name(store, item), len(people[item]), item) for item in ranked[:SHOWN]]
    rest = ranked[SHOWN:]
    if rest:
        others = set().union(*(people[item] for item in rest))
        bars.append(Bar(f"{len(rest)} others together" if len(rest) > 1 else "1 other", len(others)))
    return bars + [Bar(label, len(held)) for label, held in sorted(fixed.items(), key=lambda pair: (-len(pair[1]), pair[0]))]


def _name(store: Store, item: str) -> str:
    """A record's name; its IRI where it has none."""
    found = next(iter(store.select(page_query("name"), {"item": ox.NamedNode(item)})), None)
    return found["label"].value if found is not None and found["label"] is not None else item
