"""Text search over every name and label: case-, accent- and script-insensitive as far as Unicode allows."""

from __future__ import annotations

import itertools
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from casegraph.queries import page_query
from casegraph.store import CaseStore


def fold(text: str) -> str:
    """Text reduced for matching: compatibility forms unified, accents removed, case folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Hit:
    """A record whose name matches, with the name that matched."""

    iri: str
    name: str
    matched: str
    kind: str


@dataclass(frozen=True, slots=True)  # one per label: hundreds of thousands on a large collection
class _Entry:
    iri: str
    label: str
    folded: str
    preferred: bool
    kind: str


@dataclass(frozen=True)
class _Table:
    """Labels by record, every label in one list, and each record's name."""

    records: dict[str, tuple[_Entry, ...]]
    entries: list[_Entry]
    names: dict[str, str]

    @classmethod
    def of(cls, records: dict[str, tuple[_Entry, ...]]) -> _Table:
        names = {iri: name for iri, found in records.items() if (name := _name(found)) is not None}
        return cls(records, list(itertools.chain.from_iterable(records.values())), names)


class SearchIndex:
    """An in-memory index of every label in the store, built once per store and revised per write.

    A write reads again only the records it touched, into a small table of changes searched beside
    the table read at start; the two are merged once the changes reach `compact_at` records. So a
    write costs at most the changes table, not the size of the store (a copy of the whole index
    took 27 ms a write at 10,000 cases), and the merge, which does, comes once in thousands of records.
    """

    compact_at = 5_000

    def __init__(self, store: CaseStore) -> None:
        by_record: dict[str, list[_Entry]] = {}
        for entry in _entries(store.select(page_query("labels"))):
            by_record.setdefault(entry.iri, []).append(entry)
        self._base = _Table.of({iri: tuple(found) for iri, found in by_record.items()})
        self._changes = _Table.of({})

    def revised(self, store: CaseStore, records: Iterable[str]) -> SearchIndex:
        """The index of a store a write changed: the labels of the records it touched read again, the rest kept."""
        changed, labels = dict(self._changes.records), page_query("labels")
        for iri in sorted(set(records)):
            changed[iri] = tuple(_entries(store.select(labels, {"entity": ox.NamedNode(iri)})))  # () when none are left
        revised = object.__new__(SearchIndex)  # from the tables above, without reading the whole store again
        if len(changed) >= self.compact_at:
            merged = {iri: found for iri, found in {**self._base.records, **changed}.items() if found}
            revised._base, revised._changes = _Table.of(merged), _Table.of({})
        else:
            revised._base, revised._changes = self._base, _Table.of(changed)
        return revised

    def search(self, text: str, limit: int = 50) -> list[Hit]:
        """Records with a label containing the text; exact and prefix matches first."""
        needle = fold(text.strip())
        if not needle:
            return []
        changed = self._changes.records
        found = [e for e in self._base.entries if needle in e.folded and e.iri not in changed]
        found += [e for e in self._changes.entries if needle in e.folded]
        best: dict[str, tuple[int, _Entry]] = {}
        for entry in found:
            rank = 0 if entry.folded == needle else 1 if entry.folded.startswith(needle) else 2
            if entry.iri not in best or rank < best[entry.iri][0]:
                best[entry.iri] = (rank, entry)
        ordered = sorted(best.values(), key=lambda pair: (pair[0], self._shown_name(pair[1]).casefold()))
        return [Hit(e.iri, self._shown_name(e), e.label, e.kind) for _, e in ordered[:limit]]

    def _shown_name(self, entry: _Entry) -> str:
        table = self._changes if entry.iri in self._changes.records else self._base
        return table.names.get(entry.iri, entry.label)


def _name(entries: tuple[_Entry, ...]) -> str | None:
    """A record's name: the least of its preferred labels, so that it does not hang on the order of rows; None without one."""
    return min((e.label for e in entries if e.preferred), default=None)


def _entries(rows: Iterable[ox.QuerySolution]) -> list[_Entry]:
    return [_Entry(r["entity"].value, r["label"].value, fold(r["label"].value), r["preferred"].value == "true",
                   sys.intern(r["kind"].value) if r["kind"] else "")
            for r in rows]


