"""What the home page shows: the sources by collection, the newest of them, and the records by kind.

Describing every source (the sources query) takes a minute at 100,000 cases, so the overview
keeps only each collection's sorted list of sources, compactly; a page of a list is described
when it is asked for, one source at a time.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

import pyoxigraph as ox
from pydantic import PlainSerializer, PlainValidator

from graph.query.queries import named_query, page_query
from graph.query.results import rows
from graph.store.seam import Store

PAGE_SIZE = 50
NO_COLLECTION = "none"  # the key of the documents that are part of no collection: no record's path is a bare word


def _offsets(value: object) -> array[int]:
    if isinstance(value, array):
        return value
    if isinstance(value, list) and all(isinstance(number, int) and number >= 0 for number in value):
        return array("Q", value)
    raise ValueError("offsets are a list of whole numbers")


# Offsets kept as an array of integers, written to JSON as a list (the home page's summary is kept as JSON).
# array is not subscriptable at run time before Python 3.12, where pydantic reads the annotation.
if TYPE_CHECKING:
    Offsets = array[int]
else:
    Offsets = Annotated[array, PlainValidator(_offsets), PlainSerializer(lambda offsets: offsets.tolist(), return_type=list[int])]


@dataclass(frozen=True)
class Collection:
    """A collection of source documents (or those in none): its key, name, and its sources' paths, sorted."""

    key: str  # the collection's path under the base, or NO_COLLECTION
    label: str
    paths: str  # one a line: 200,000 short strings would take ten times the memory
    starts: Offsets = field(repr=False)  # where each path starts in `paths`, and where the last one ends

    @classmethod
    def of(cls, key: str, label: str, paths: list[str]) -> Collection:
        """A collection holding these source paths."""
        ordered, starts, at = sorted(paths), array("Q", [0]), 0
        for path in ordered:
            at += len(path) + 1
            starts.append(at)
        return cls(key, label, "".join(path + "\n" for path in ordered), starts)

    @property
    def size(self) -> int:
        """How many sources the collection holds."""
        return len(self.starts) - 1

    @property
    def pages(self) -> int:
        """How many pages of PAGE_SIZE its list takes (at least one)."""
        return max(1, -(-self.size // PAGE_SIZE))

    def page(self, number: int) -> list[str]:
        """The source paths on page `number` (from 1)."""
        first, last = (number - 1) * PAGE_SIZE, min(number * PAGE_SIZE, self.size)
        return [self.paths[self.starts[i]:self.starts[i + 1] - 1] for i in range(first, last)]


@dataclass(frozen=True)
class Overview:
    """The collections, most sources first; the newest sources, described; and the records by kind."""

    collections: list[Collection]
    newest: list[dict[str, str]]
    counts: list[tuple[str, str]]


def overview(store: Store) -> Overview:
    """What the home page shows, read from the whole store once."""
    return Overview(collections(store), newest_sources(store, store.base), records_by_kind(store, store.base))


def collections(store: Store) -> list[Collection]:
    """Every collection the catalog names, and the documents in none, each with its sources; most sources first."""
    members: dict[str, list[str]] = {}
    for row in store.select(page_query("source-collections")):
        collection = row["collection"]
        key = _path(collection.value, store.base) if isinstance(collection, ox.NamedNode) else NO_COLLECTION
        members.setdefault(key, []).append(_path(row["source"].value, store.base))
    made = [Collection.of(key, _collection_name(store, key), paths) for key, paths in members.items()]
    return sorted(made, key=lambda c: (-c.size, c.key == NO_COLLECTION, c.label))


def _collection_name(store: Store, key: str) -> str:
    if key == NO_COLLECTION:
        return "Documents in no collection"
    found = next(iter(store.select(page_query("name"), {"item": ox.NamedNode(store.base + key)})), None)
    return found["label"].value if found is not None and found["label"] is not None else key


def _path(iri: str, base: str) -> str:
    return iri.removeprefix(base)


def source_summaries(store: Store, paths: list[str], base: str) -> list[dict[str, str]]:
    """These sources, each as the sources query describes it, in the order given."""
    described: list[dict[str, str]] = []
    for path in paths:
        variables, values = rows(store.select(page_query("source"), {"source": ox.NamedNode(base + path)}), base)
        described += [dict(zip(variables, row, strict=True)) | {"link": "/" + path} for row in values]
    return described


def newest_sources(store: Store, base: str) -> list[dict[str, str]]:
    """The sources with the latest dates in the catalog, described, with the date and what it marks."""
    newest = [(_path(row["source"].value, base), row["when"].value, row["what"].value)
              for row in store.select(page_query("newest-sources"))]
    described = {row["link"]: row for row in source_summaries(store, [path for path, _, _ in newest], base)}
    return [described["/" + path] | {"when": when, "what": what} for path, when, what in newest if "/" + path in described]


def records_by_kind(store: Store, base: str) -> list[tuple[str, str]]:
    """How many records of each kind the graph holds, by the kind's label, most first."""
    _, counts = rows(store.select(named_query("records-by-class").text), base)
    return [(label, records) for _, label, records in counts]
