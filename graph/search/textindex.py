"""Text search over every name and label: case-, accent- and script-insensitive as far as Unicode allows."""

from __future__ import annotations

import itertools
import sys
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

from graph.query.queries import page_query
from graph.search.names import fold, name_keys, query_keys
from graph.search.packed import Packed
from graph.store.seam import Store as CaseStore

__all__ = ["Hit", "SearchIndex"]

KeysOf = Callable[[str], frozenset[str]]

SOUNDED = 3  # a name found only by its sound ranks after every name found by its spelling: 3 exact, 4 prefix, 5 contains


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
    keys: tuple[str, ...] = ()  # the label's other keys (graph.search.names), those that differ from `folded`


class _Match(NamedTuple):
    rank: int  # 0 the label (or a key of it) is the text, 1 it starts with it, 2 it holds it; SOUNDED more by sound
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
        # Keys other than the folded label, few (names in other scripts), each with the label it belongs to, in label order.
        self.keys, self.key_entry = Packed(), array("i")
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
            for key in row.keys:
                self.keys.append(key)
                self.key_entry.append(len(self.record) - 1)
            self.labels.append(row.label)
            self.folded.append(row.folded)
        self.kinds: list[str] = list(kinds)

    def matches(self, needle: str) -> Iterator[_Match]:
        """Each label holding the folded text, in itself or in one of its keys."""
        yield from self._found(self.folded, None, needle)
        if self.key_entry:
            yield from self._found(self.keys, self.key_entry, needle)

    def _found(self, packed: Packed, entries: array[int] | None, needle: str) -> Iterator[_Match]:
        # A lone surrogate (undecodable bytes on a command line) cannot be in the UTF-8 of a label: it finds nothing.
        data, ends, sought = packed.data, packed.ends, needle.encode(errors="surrogatepass")
        at = data.find(sought)
        while at != -1:
            row = bisect_right(ends, at)
            start = packed.start(row)
            entry = row if entries is None else entries[row]
            record, named = self.record[entry], self.name[self.record[entry]]
            yield _Match(2 if at != start else 0 if ends[row] - 1 - start == len(sought) else 1, self.iris[record],
                         self.labels[entry], self.labels[entry if named < 0 else named], self.kinds[self.kind[entry]])
            at = data.find(sought, ends[row])  # the first match in a string ranks it: on to the next one

    def rows(self, leaving: dict[str, tuple[_Row, ...]]) -> Iterator[_Row]:
        """Every label as read, with its keys, except those of the records left out."""
        keys: dict[int, list[str]] = {}
        for number, entry in enumerate(self.key_entry):
            keys.setdefault(entry, []).append(self.keys[number])
        for entry, record in enumerate(self.record):
            iri = self.iris[record]
            if iri not in leaving:
                yield _Row(iri, self.labels[entry], self.folded[entry], bool(self.preferred[entry]), self.kinds[self.kind[entry]],
                           tuple(keys.get(entry, ())))


class _Changes:
    """The labels of the records written since the table was packed: few, so searched as read, and made anew each write."""

    def __init__(self, changed: dict[str, tuple[_Row, ...]]) -> None:
        self.changed = changed
        self.names = {iri: name for iri, rows in changed.items()
                      if (name := min((row.label for row in rows if row.preferred), default=None)) is not None}

    def matches(self, needle: str) -> Iterator[_Match]:
        """Each label holding the folded text, in itself or in one of its keys."""
        for rows in self.changed.values():
            for row in rows:
                for key in (row.folded, *row.keys):
                    if needle in key:
                        rank = 0 if key == needle else 1 if key.startswith(needle) else 2
                        yield _Match(rank, row.iri, row.label, self.names.get(row.iri, row.label), row.kind)


class SearchIndex:
    """An index of every label in the store, built once per store and revised per write.

    A write reads again only the records it touched, into a small table of changes searched beside
    the table read at start; the two are merged once the changes reach `compact_at` records. So a
    write costs at most the changes table, not the size of the store (a copy of the whole index
    took 27 ms a write at 10,000 cases), and the merge, which does, comes once in thousands of records.
    """

    compact_at = 5_000

    def __init__(self, store: CaseStore, names: bool = True) -> None:
        # names=False indexes the folded labels alone, as a baseline for the benchmark.
        self._keys: KeysOf | None = name_keys if names else None
        self._base, self._changes = _Table(_rows(store.select(page_query("labels")), self._keys)), _Changes({})

    def revised(self, store: CaseStore, records: Iterable[str]) -> SearchIndex:
        """The index of a store a write changed: the labels of the records it touched read again, the rest kept."""
        changed, labels = dict(self._changes.changed), page_query("labels")
        for iri in sorted(set(records)):
            changed[iri] = tuple(_rows(store.select(labels, {"entity": ox.NamedNode(iri)}), self._keys))  # () when none are left
        revised = object.__new__(SearchIndex)  # from the tables above, without reading the whole store again
        revised._keys = self._keys
        if len(changed) >= self.compact_at:
            revised._base, revised._changes = _Table(itertools.chain(self._base.rows(changed), *changed.values())), _Changes({})
        else:
            revised._base, revised._changes = self._base, _Changes(changed)
        return revised

    def search(self, text: str, limit: int = 50) -> list[Hit]:
        """Records with a label containing the text; exact and prefix matches first, then by name."""
        query = query_keys(text) if self._keys else query_keys(text)._replace(sound=None)
        if not query.text:
            return []
        best: dict[str, _Match] = {}
        for needle, more in ((query.text, 0), (query.sound, SOUNDED)):
            if needle is None:
                continue
            kept = (match for match in self._base.matches(needle) if match.iri not in self._changes.changed)
            for match in itertools.chain(kept, self._changes.matches(needle)):
                match = match._replace(rank=match.rank + more)
                if match.iri not in best or (match.rank, match.label) < (best[match.iri].rank, best[match.iri].label):
                    best[match.iri] = match
        ordered = sorted(best.values(), key=lambda match: (match.rank, match.name.casefold(), match.iri))
        return [Hit(match.iri, match.name, match.label, match.kind) for match in ordered[:limit]]


def _rows(solutions: Iterable[ox.QuerySolution], keys_of: KeysOf | None) -> Iterator[_Row]:
    for r in solutions:
        label, folded = r["label"].value, fold(r["label"].value)
        keys = tuple(sorted(keys_of(label) - {folded})) if keys_of else ()
        yield _Row(r["entity"].value, label, folded, r["preferred"].value == "true",
                   sys.intern(r["kind"].value) if r["kind"] else "", keys)
