"""What the home page shows: the first source documents, how many there are, and the records by kind."""

from __future__ import annotations

import pyoxigraph as ox

from casegraph.queries import named_query, page_query
from casegraph.results import rows
from casegraph.store import CaseStore

SOURCES_SHOWN = 100
Overview = tuple[list[dict[str, str]], int, list[tuple[str, str]]]


def overview(store: CaseStore) -> Overview:
    """What the home page shows: the first SOURCES_SHOWN sources, how many there are, and the records by kind."""
    sources, total = first_sources(store, store.base, SOURCES_SHOWN)
    return sources, total, records_by_kind(store, store.base)


def first_sources(store: CaseStore, base: str, count: int) -> tuple[list[dict[str, str]], int]:
    """The first `count` source documents by IRI, each as the sources query describes it, and how many there are.

    Only those are described: the sources query over every source takes a minute at 100,000 cases.
    """
    every = sorted(row["source"].value for row in store.select(page_query("source-list")))
    described: list[dict[str, str]] = []
    for iri in every[:count]:
        variables, values = rows(store.select(page_query("source"), {"source": ox.NamedNode(iri)}), base)
        described += [dict(zip(variables, row, strict=True)) for row in values]
    return described, len(every)


def records_by_kind(store: CaseStore, base: str) -> list[tuple[str, str]]:
    """How many records of each kind the graph holds, by the kind's label, most first."""
    _, counts = rows(store.select(named_query("records-by-class").text), base)
    return [(label, records) for _, label, records in counts]
