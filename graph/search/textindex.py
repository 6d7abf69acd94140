"""Text search over every name and label: case-, accent- and script-insensitive as far as Unicode allows."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.query.queries import page_query
from graph.search.indexfiles import load_table, save_table
from graph.search.labeltable import LabelTable, Match, Row
from graph.search.names import fold, name_keys, query_keys
from graph.store.seam import Store

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


class _Changes:
    """The labels of the records written since the table was made: searched as read, and made anew each write."""

    def __init__(self, changed: dict[str, tuple[Row, ...]]) -> None:
        self.changed = changed
        self.names = {iri: name for iri, rows in changed.items()
                      if (name := min((row.label for row in rows if row.preferred), default=None)) is not None}

    def matches(self, needle: str) -> Iterator[Match]:
        """Each label holding the folded text, in itself or in one of its keys."""
        for rows in self.changed.values():
            for row in rows:
                for key in (row.folded, *row.keys):
                    if needle in key:
                        rank = 0 if key == needle else 1 if key.startswith(needle) else 2
                        yield Match(rank, row.iri, row.label, self.names.get(row.iri, row.label), row.kind)


class SearchIndex:
    """An index of every label in the store, built once per store and revised per write.

    A write reads again only the records it touched, into a table of changes searched beside the
    table read at start, so that it costs the changes, not the size of the store. The service puts
    the index made afresh after the writes (graph/editions/index.py, in a process of its own) in
    place of the two once it is ready. The two are never merged in the serving process: making a
    table's suffix array holds the interpreter's lock (2.6 s at 100,000 cases, every request waiting).
    """

    def __init__(self, store: Store, names: bool = True) -> None:
        # names=False indexes the folded labels alone, as a baseline for the benchmark.
        self._keys: KeysOf | None = name_keys if names else None
        self._base, self._changes = LabelTable.of(_rows(store.scan(page_query("labels")), self._keys)), _Changes({})

    def revised(self, store: Store, records: Iterable[str]) -> SearchIndex:
        """The index of a store a write changed: the labels of the records it touched read again, the rest kept."""
        changed, labels = dict(self._changes.changed), page_query("record-labels")
        for iri in sorted(set(records)):
            changed[iri] = tuple(_rows(store.select(labels, {"entity": ox.NamedNode(iri)}), self._keys))  # () when none are left
        revised = object.__new__(SearchIndex)  # from the tables above, without reading the whole store again
        revised._keys, revised._base, revised._changes = self._keys, self._base, _Changes(changed)
        return revised

    def save(self, folder: Path) -> None:
        """Keep the index in a folder of its own (graph.search.indexfiles), the changes merged into its table."""
        changed = self._changes.changed
        save_table(_merged(self._base, changed) if changed else self._base, self._keys is not None, folder)

    @classmethod
    def load(cls, folder: Path) -> SearchIndex:
        """The index saved in a folder, its files mapped; graph.errors.IndexFileError when they are not a saved index."""
        table, names = load_table(folder)
        loaded = object.__new__(cls)
        loaded._keys, loaded._base, loaded._changes = name_keys if names else None, table, _Changes({})
        return loaded

    def search(self, text: str, limit: int = 50) -> list[Hit]:
        """Records with a label containing the text; exact and prefix matches first, then by name."""
        query = query_keys(text) if self._keys else query_keys(text)._replace(sound=None)
        if not query.text:
            return []
        needles = [(needle, more) for needle, more in ((query.text, 0), (query.sound, SOUNDED)) if needle is not None]
        best: dict[str, Match] = {match.iri: match for match in self._base.ranked(needles, self._changes.changed, limit)}
        for needle, more in needles:
            for match in self._changes.matches(needle):
                match = match._replace(rank=match.rank + more)
                if match.iri not in best or (match.rank, match.label) < (best[match.iri].rank, best[match.iri].label):
                    best[match.iri] = match
        ordered = sorted(best.values(), key=lambda match: (match.rank, match.name.casefold(), match.iri))
        return [Hit(match.iri, match.name, match.label, match.kind) for match in ordered[:limit]]


def _merged(base: LabelTable, changed: dict[str, tuple[Row, ...]]) -> LabelTable:
    """One table of the labels read at start and those read again since."""
    return LabelTable.of(itertools.chain(base.rows(changed), *changed.values()))


def _rows(solutions: Iterable[ox.QuerySolution], keys_of: KeysOf | None) -> Iterator[Row]:
    for r in solutions:
        label, folded = r["label"].value, fold(r["label"].value)
        keys = tuple(sorted(keys_of(label) - {folded})) if keys_of else ()
        yield Row(r["entity"].value, label, folded, r["preferred"].value == "true",
                   sys.intern(r["kind"].value) if r["kind"] else "", keys)
