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
    folded: str
    preferred: bool
    kind: str


class _Match(NamedTuple):
    rank: int  # 0 the label is the text, 1 it starts with it, 2 it holds it
    iri: str
    label: str
    name: str  # the record's name, or the label itself when it has none
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
            self.folded.append(row.folded)
        self.kinds: list[str] = list(kinds)

    def matches(self, needle: str) -> Iterator[_Match]:
        """Each label holding the folded text."""
        # A lone surrogate (undecodable bytes on a command line) cannot be in the UTF-8 of a label: it finds nothing.
        data, ends, sought = self.folded.data, self.folded.ends, needle.encode(errors="surrogatepass")
        at = data.find(sought)
        while at != -1:
            entry = bisect_right(ends, at)
            start, record = self.folded.start(entry), self.record[entry]
            named = self.name[record]
            yield _Match(2 if at != start else 0 if ends[entry] - 1 - start == len(sought) else 1, self.iris[record],
                         self.labels[entry], self.labels[entry if named < 0 else named], self.kinds[self.kind[entry]])
            at = data.find(sought, ends[entry])  # the first match in a label ranks it: on to the next label

    def rows(self, leaving: dict[str, tuple[_Row, ...]]) -> Iterator[_Row]:
        """Every label as read, except those of the records left out."""
        for entry, record in enumerate(self.record):
            iri = self.iris[record]
            if iri not in leaving:
                yield _Row(iri, self.labels[entry], self.folded[entry], bool(self.preferred[entry]), self.kinds[self.kind[entry]])


class _Changes:
    """The labels of the records written since the table was packed: few, so searched as read, and made anew each write."""

    def __init__(self, changed: dict[str, tuple[_Row, ...]]) -> None:
        self.changed = changed
        self.names = {iri: name for iri, rows in changed.items()
                      if (name := min((row.label for row in rows if row.preferred), default=None)) is not None}

    def matches(self, needle: str) -> Iterator[_Match]:
        """Each label holding the folded text."""
        for rows in self.changed.values():
            for row in rows:
                if needle in row.folded:
                    rank = 0 if row.folded == needle else 1 if row.folded.startswith(needle) else 2
                    yield _Match(rank, row.iri, row.label, self.names.get(row.iri, row.label), row.kind)


class SearchIndex:
    """An index of every label in the store, built once per store and revised per write.

    A write reads again only the records it touched, into a small table of changes searched beside
    the table read at start; the two are merged once the changes reach `compact_at` records. So a
    write costs at most the changes table, not the size of the store (a copy of the whole index
    took 27 ms a write at 10,000 cases), and the merge, which does, comes once in thousands of records.
    """

    compact_at = 5_000

    def __init__(self, store: CaseStore) -> None:
        self._base, self._changes = _Table(_rows(store.select(page_query("labels")))), _Changes({})

    def revised(self, store: CaseStore, records: Iterable[str]) -> SearchIndex:
        """The index of a store a write changed: the labels of the records it touched read again, the rest kept."""
        changed, labels = dict(self._changes.changed), page_query("labels")
        for iri in sorted(set(records)):
            changed[iri] = tuple(_rows(store.select(labels, {"entity": ox.NamedNode(iri)})))  # () when none are left
        revised = object.__new__(SearchIndex)  # from the tables above, without reading the whole store again
        if len(changed) >= self.compact_at:
            revised._base, revised._changes = _Table(itertools.chain(self._base.rows(changed), *changed.values())), _Changes({})
        else:
            revised._base, revised._changes = self._base, _Changes(changed)
        return revised

    def search(self, text: str, limit: int = 50) -> list[Hit]:
        """Records with a label containing the text; exact and prefix matches first, then by name."""
        needle = fold(text.strip())
        if not needle:
            return []
        best: dict[str, _Match] = {}
        kept = (match for match in self._base.matches(needle) if match.iri not in self._changes.changed)
        for match in itertools.chain(kept, self._changes.matches(needle)):
            if match.iri not in best or (match.rank, match.label) < (best[match.iri].rank, best[match.iri].label):
                best[match.iri] = match
        ordered = sorted(best.values(), key=lambda match: (match.rank, match.name.casefold(), match.iri))
        return [Hit(match.iri, match.name, match.label, match.kind) for match in ordered[:limit]]


def _rows(solutions: Iterable[ox.QuerySolution]) -> Iterator[_Row]:
    for r in solutions:
        yield _Row(r["entity"].value, r["label"].value, fold(r["label"].value), r["preferred"].value == "true",
                   sys.intern(r["kind"].value) if r["kind"] else "")
