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


class SearchIndex:
    """An in-memory index of every label in the store, built once per store and revised per write."""

    def __init__(self, store: CaseStore) -> None:
        by_record: dict[str, list[_Entry]] = {}
        for entry in _entries(store.select(page_query("labels"))):
            by_record.setdefault(entry.iri, []).append(entry)
        records = {iri: tuple(found) for iri, found in by_record.items()}
        self._set(records, {iri: name for iri, found in records.items() if (name := _name(found)) is not None})

    def _set(self, by_record: dict[str, tuple[_Entry, ...]], names: dict[str, str]) -> None:
        # Kept by record, so that a write replaces the few records it touched in copies made at C speed.
        self._by_record, self._names = by_record, names
        self._entries = list(itertools.chain.from_iterable(by_record.values()))

    def revised(self, store: CaseStore, records: Iterable[str]) -> SearchIndex:
        """The index of a store a write changed: the labels of the records it touched read again, the rest kept."""
        by_record, names, labels = dict(self._by_record), dict(self._names), page_query("labels")
        for iri in sorted(set(records)):
            found = tuple(_entries(store.select(labels, {"entity": ox.NamedNode(iri)})))
            by_record.pop(iri, None)
            names.pop(iri, None)
            if found:
                by_record[iri] = found
            if (name := _name(found)) is not None:
                names[iri] = name
        revised = object.__new__(SearchIndex)  # from the tables above, without reading the whole store again
        revised._set(by_record, names)
        return revised

    def search(self, text: str, limit: int = 50) -> list[Hit]:
        """Records with a label containing the text; exact and prefix matches first."""
        needle = fold(text.strip())
        if not needle:
            return []
        best: dict[str, tuple[int, _Entry]] = {}
        for entry in self._entries:
            if needle in entry.folded:
                rank = 0 if entry.folded == needle else 1 if entry.folded.startswith(needle) else 2
                if entry.iri not in best or rank < best[entry.iri][0]:
                    best[entry.iri] = (rank, entry)
        ordered = sorted(best.values(), key=lambda pair: (pair[0], self._names.get(pair[1].iri, pair[1].label).casefold()))
        return [Hit(e.iri, self._names.get(e.iri, e.label), e.label, e.kind) for _, e in ordered[:limit]]


def _name(entries: tuple[_Entry, ...]) -> str | None:
    """A record's name: the least of its preferred labels, so that it does not hang on the order of rows; None without one."""
    return min((e.label for e in entries if e.preferred), default=None)


def _entries(rows: Iterable[ox.QuerySolution]) -> list[_Entry]:
    return [_Entry(r["entity"].value, r["label"].value, fold(r["label"].value), r["preferred"].value == "true",
                   sys.intern(r["kind"].value) if r["kind"] else "")
            for r in rows]


