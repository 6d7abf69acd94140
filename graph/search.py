"""Text search over every name and label: case-, accent- and script-insensitive as far as Unicode allows."""

from __future__ import annotations

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
    """An in-memory index of every label in the store, built once per store."""

    def __init__(self, store: CaseStore, entries: list[_Entry] | None = None) -> None:
        self._entries = _entries(store.select(page_query("labels"))) if entries is None else entries
        self._names: dict[str, str] = {}
        for entry in self._entries:
            if entry.preferred:  # the least preferred label, so the name does not hang on the order of rows
                self._names[entry.iri] = min(entry.label, self._names.get(entry.iri, entry.label))

    def revised(self, store: CaseStore, records: Iterable[str]) -> SearchIndex:
        """The index of a store a write changed: the labels of the records it touched read again, the rest kept."""
        touched = set(records)
        labels = page_query("labels")
        fresh = [e for iri in sorted(touched) for e in _entries(store.select(labels, {"entity": ox.NamedNode(iri)}))]
        return SearchIndex(store, [e for e in self._entries if e.iri not in touched] + fresh)

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


def _entries(rows: Iterable[ox.QuerySolution]) -> list[_Entry]:
    return [_Entry(r["entity"].value, r["label"].value, fold(r["label"].value), r["preferred"].value == "true",
                   sys.intern(r["kind"].value) if r["kind"] else "")
            for r in rows]


