"""Text search over every name and label: case-, accent- and script-insensitive as far as Unicode allows."""

from __future__ import annotations

import itertools
import sys
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

from casegraph.packed import Packed
from casegraph.queries import page_query
from casegraph.store import CaseStore


def fold(text: str) -> str:
    """Text reduced for matching: compatibility forms unified, accents and NULs removed, case folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c != "\x00").casefold()


@dataclass(frozen=True)
class Hit:
    """A record whose name matches, with the name that matched."""

    iri: str
    name: str
    matched: str
    kind: str


class _Row(NamedTuple):
    iri: str
    label: str
    preferred: bool
    kind: str


class _Table:
    """Labels packed, each with its record, kind and whether it is preferred; a record's name is its least preferred label."""

    def __init__(self, rows: Iterable[_Row]) -> None:
        # fold() drops NULs, the ends of packed strings: so no match runs from one label into the next.
        self.iris, self.labels, self.folded = Packed(), Packed(), Packed()
        self.record, self.kind, self.preferred = array("i"), array("i"), bytearray()
        numbers: dict[str, int] = {}
        kinds: dict[str, int] = {}
        self.name = array("i")  # the label that names each record; -1 for none
        for row in rows:
            record = numbers.get(row.iri)
            if record is None:
                record = numbers[row.iri] = len(self.name)
                self.iris.append(row.iri)
                self.name.append(-1)
            if row.preferred and (self.name[record] < 0 or row.label < self.labels[self.name[record]]):
                self.name[record] = len(self.record)
            self.record.append(record)
            self.kind.append(kinds.setdefault(row.kind, len(kinds)))
            self.preferred.append(row.preferred)
            self.labels.append(row.label)
            self.folded.append(fold(row.label))
        self.kinds: list[str] = list(kinds)

    def matches(self, needle: bytes) -> Iterator[tuple[int, int]]:
        """Each label containing the folded needle, by number, with its rank: 0 equal, 1 starting with it, 2 holding it."""
        data, ends = self.folded.data, self.folded.ends
        at = data.find(needle)
        while at != -1:
            entry = bisect_right(ends, at)
            start = self.folded.start(entry)
            yield entry, 2 if at != start else 0 if ends[entry] - 1 - start == len(needle) else 1
            at = data.find(needle, ends[entry])  # the first match in a label ranks it: on to the next label

    def iri(self, entry: int) -> str:
        """The record a label belongs to."""
        return self.iris[self.record[entry]]

    def shown(self, entry: int) -> str:
        """The name shown for a label's record: its name, or the label itself when it has none."""
        named = self.name[self.record[entry]]
        return self.labels[entry if named < 0 else named]

    def rows(self, leaving: dict[str, tuple[_Row, ...]]) -> Iterator[_Row]:
        """Every label as read, except those of the records left out."""
        for entry, record in enumerate(self.record):
            iri = self.iris[record]
            if iri not in leaving:
                yield _Row(iri, self.labels[entry], bool(self.preferred[entry]), self.kinds[self.kind[entry]])


class SearchIndex:
    """An index of every label in the store, built once per store and revised per write.

    A write reads again only the records it touched, into a small table of changes searched beside
    the table read at start; the two are merged once the changes reach `compact_at` records. So a
    write costs at most the changes table, not the size of the store (a copy of the whole index
    took 27 ms a write at 10,000 cases), and the merge, which does, comes once in thousands of records.
    """

    compact_at = 5_000

    def __init__(self, store: CaseStore) -> None:
        self._base, self._changes = _Table(_rows(store.select(page_query("labels")))), _Table(())
        self._changed: dict[str, tuple[_Row, ...]] = {}

    def revised(self, store: CaseStore, records: Iterable[str]) -> SearchIndex:
        """The index of a store a write changed: the labels of the records it touched read again, the rest kept."""
        changed, labels = dict(self._changed), page_query("labels")
        for iri in sorted(set(records)):
            changed[iri] = tuple(_rows(store.select(labels, {"entity": ox.NamedNode(iri)})))  # () when none are left
        revised = object.__new__(SearchIndex)  # from the tables above, without reading the whole store again
        if len(changed) >= self.compact_at:
            revised._base = _Table(itertools.chain(self._base.rows(changed), *changed.values()))
            revised._changed, revised._changes = {}, _Table(())
        else:
            revised._base, revised._changed = self._base, changed
            revised._changes = _Table(itertools.chain(*changed.values()))
        return revised

    def search(self, text: str, limit: int = 50) -> list[Hit]:
        """Records with a label containing the text; exact and prefix matches first, then by name."""
        needle = fold(text.strip()).encode()
        if not needle:
            return []
        best: dict[str, tuple[int, str, str, str]] = {}  # record: rank, label matched, name, kind
        for table, left in ((self._base, self._changed), (self._changes, {})):
            for entry, rank in table.matches(needle):
                iri, label = table.iri(entry), table.labels[entry]
                if iri not in left and (iri not in best or (rank, label) < best[iri][:2]):
                    best[iri] = (rank, label, table.shown(entry), table.kinds[table.kind[entry]])
        ordered = sorted(best.items(), key=lambda item: (item[1][0], item[1][2].casefold(), item[0]))
        return [Hit(iri, name, label, kind) for iri, (_, label, name, kind) in ordered[:limit]]


def _rows(solutions: Iterable[ox.QuerySolution]) -> Iterator[_Row]:
    for r in solutions:
        yield _Row(r["entity"].value, r["label"].value, r["preferred"].value == "true",
                   sys.intern(r["kind"].value) if r["kind"] else "")
