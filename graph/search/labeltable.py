"""The labels of a store as flat columns: UTF-8 text end to end and integer arrays, in memory or mapped from files."""

from __future__ import annotations

import mmap
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt
from pydivsufsort import divsufsort

from graph.search.names import SOUND

Text = bytes | bytearray | mmap.mmap  # each gives bytes (or a bytearray) when sliced


class Row(NamedTuple):
    """One label of a record, as read from the store."""

    iri: str
    label: str
    folded: str
    preferred: bool
    kind: str
    keys: tuple[str, ...] = ()  # the label's other keys (graph.search.names), those that differ from `folded`


class Match(NamedTuple):
    """A label holding the text sought."""

    rank: int  # 0 the label (or a key of it) is the text, 1 it starts with it, 2 it holds it; more when found by sound
    iri: str
    label: str
    name: str  # the record's name, or the label itself when it has none
    kind: str


class Strings:
    """Strings end to end in UTF-8, each closed by a NUL and found by its number; `base` is where the text begins in `data`.

    Held as Python strings, a million labels take about 70 bytes each before their text; here, their
    UTF-8 and four bytes. The data is a bytearray while the table is made, and a file mapped once loaded.
    Strings that are searched carry their suffix array (`indexed`): every occurrence of a text is then
    found by a binary search, not by reading the whole text.
    """

    __slots__ = ("data", "ends", "base", "suffixes")

    def __init__(self, data: Text, ends: Sequence[int], base: int = 0,
                 suffixes: npt.NDArray[np.int32] | None = None) -> None:
        self.data, self.ends, self.base = data, ends, base
        self.suffixes = suffixes if suffixes is not None else np.zeros(0, np.int32)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Strings:
        """The strings packed, in order."""
        packed = Strings(bytearray(), array("i"))
        for text in texts:
            packed.append(text)
        return packed

    def append(self, text: str) -> None:
        """Add a string at the next number (while the table is made)."""
        assert isinstance(self.data, bytearray) and isinstance(self.ends, array)
        self.data += text.encode()
        self.data += b"\x00"
        self.ends.append(len(self.data))

    def start(self, number: int) -> int:
        """Where a string begins, counted from the start of the text."""
        return self.ends[number - 1] if number else 0

    def indexed(self) -> Strings:
        """These strings with their suffix array, made by libdivsufsort."""
        text = np.array(self.text_array())  # a copy: divsufsort takes no read-only buffer
        self.suffixes = divsufsort(text).astype(np.int32, copy=False) if len(text) else np.zeros(0, np.int32)
        return self

    def occurrences(self, sought: bytes) -> npt.NDArray[np.int32]:
        """Where the bytes occur in the text, in order, counted from its start (found in the suffix array)."""
        data, base, length = self.data, self.base, len(sought)

        def prefix(at: int) -> bytes:
            return bytes(data[base + at:base + at + length])

        suffixes = cast(Sequence[int], self.suffixes)
        low = bisect_left(suffixes, sought, key=prefix)
        found = np.sort(self.suffixes[low:bisect_right(suffixes, sought, low, key=prefix)])
        size = self.ends[-1] if len(self.ends) else 0
        return found[(found >= 0) & (found < size)]  # a damaged file finds less, never outside its text

    def __getitem__(self, number: int) -> str:
        base = self.base
        return self.data[base + self.start(number):base + self.ends[number] - 1].decode()

    def __len__(self) -> int:
        return len(self.ends)

    def text_array(self) -> npt.NDArray[np.uint8]:
        """The text as an array of bytes, without a copy."""
        return np.frombuffer(self.data, np.uint8, len(self.ends) and self.ends[-1], self.base)


class LabelTable:
    """Every label with its record, kind and whether it is preferred; a record's name is its least preferred label.

    Keys other than the folded label are few (names in other scripts): each is kept with the
    number of the label it belongs to, in label order. Two orders are kept with the labels, so that
    a query matching ten thousand of them is ranked by arrays rather than by reading each one:
    `label_order`, each label's place among all labels, and `shown_order`, its place by the name a
    hit on it would show (the record's name, else the label itself) folded, then the record's IRI.
    """

    def __init__(self, iris: Strings, labels: Strings, folded: Strings, keys: Strings, kinds: Strings,
                 columns: dict[str, Sequence[int]]) -> None:
        self.iris, self.labels, self.folded, self.keys, self.kinds = iris, labels, folded, keys, kinds
        self.record, self.kind, self.preferred = columns["record"], columns["kind"], columns["preferred"]
        self.key_entry, self.name = columns["key_entry"], columns["name"]  # name: the label naming each record; -1 none
        self.label_order, self.shown_order = columns["label_order"], columns["shown_order"]
        self.kind_names = [kinds[number] for number in range(len(kinds))]
        self._arrays = {name: _as_array(column) for name, column in columns.items()}

    @classmethod
    def of(cls, rows: Iterable[Row]) -> LabelTable:
        """The table of these rows, in their order."""
        # fold() drops NULs, the ends of packed strings: so no match runs from one label into the next.
        iris, labels, folded, keys = Strings.of(()), Strings.of(()), Strings.of(()), Strings.of(())
        record, kind, preferred, key_entry, name = array("i"), array("i"), bytearray(), array("i"), array("i")
        numbers: dict[str, int] = {}
        kinds: dict[str, int] = {}
        texts: list[str] = []
        for row in rows:
            number = numbers.get(row.iri)
            if number is None:
                number = numbers[row.iri] = len(name)
                iris.append(row.iri)
                name.append(-1)
            if row.preferred and (name[number] < 0 or row.label < texts[name[number]]):
                name[number] = len(record)
            record.append(number)
            kind.append(kinds.setdefault(row.kind, len(kinds)))
            preferred.append(row.preferred)
            for key in row.keys:
                keys.append(key)
                key_entry.append(len(record) - 1)
            labels.append(row.label)
            folded.append(row.folded)
            texts.append(row.label)
        owners = list(numbers)
        shown = [texts[name[number]] if name[number] >= 0 else label for label, number in zip(texts, record, strict=True)]
        columns: dict[str, Sequence[int]] = {
            "record": record, "kind": kind, "preferred": preferred, "key_entry": key_entry, "name": name,
            "label_order": _places(sorted(range(len(texts)), key=texts.__getitem__)),
            "shown_order": _places(sorted(range(len(texts)), key=lambda e: (shown[e].casefold(), owners[record[e]])))}
        return cls(iris, labels, folded.indexed(), keys.indexed(), Strings.of(kinds), columns)

    def ranked(self, needles: Sequence[tuple[str, int]], leaving: Container[str], limit: int) -> list[Match]:
        """The best `limit` records with a label holding one of the folded texts, best first, those in `leaving` left out.

        Each needle comes with what its matches add to their rank. A record ranks by its best label
        (least rank, then least label); records by rank, then by the name shown, then by IRI.
        """
        found = [self._found(self.folded, None, needle, more) for needle, more in needles if not needle.startswith(SOUND)]
        if self.key_entry:
            found += [self._found(self.keys, self._arrays["key_entry"], needle, more) for needle, more in needles]
        entries = np.concatenate([entry for entry, _ in found]) if found else np.zeros(0, np.int64)
        ranks = np.concatenate([rank for _, rank in found]) if found else np.zeros(0, np.int64)
        records = self._arrays["record"][entries]
        # Each record's best label: sorted by record, then rank, then label, the first of each record.
        by_record = np.lexsort((self._arrays["label_order"][entries], ranks, records))
        records, entries, ranks = records[by_record], entries[by_record], ranks[by_record]
        first = np.ones(len(records), bool)
        first[1:] = records[1:] != records[:-1]
        entries, ranks = entries[first], ranks[first]
        hits = []
        for best in np.lexsort((self._arrays["shown_order"][entries], ranks)):
            match = self._match(int(ranks[best]), int(entries[best]))
            if match.iri not in leaving:
                hits.append(match)
                if len(hits) == limit:
                    break
        return hits

    def _match(self, rank: int, entry: int) -> Match:
        record = self.record[entry]
        named = self.name[record]
        return Match(rank, self.iris[record], self.labels[entry], self.labels[entry if named < 0 else named],
                     self.kind_names[self.kind[entry]])

    @staticmethod
    def _found(packed: Strings, entries: npt.NDArray[Any] | None, needle: str,
               more: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The labels whose text (or key) holds the needle, and how: 0 it is the needle, 1 it starts with it, 2 it holds it."""
        # A lone surrogate (undecodable bytes on a command line) cannot be in the UTF-8 of a label: it finds nothing.
        sought = needle.encode(errors="surrogatepass")
        ends = _as_array(packed.ends)
        at_first = packed.occurrences(sought)
        rows, first = np.unique(np.searchsorted(ends, at_first, side="right"), return_index=True)  # a string's first match
        starts = np.where(rows > 0, ends[rows - 1], 0)
        ranks = np.where(at_first[first] != starts, 2, np.where(ends[rows] - 1 - starts == len(sought), 0, 1)) + more
        return (rows if entries is None else entries[rows].astype(np.int64)), ranks.astype(np.int64)

    def rows(self, leaving: dict[str, tuple[Row, ...]]) -> Iterator[Row]:
        """Every label as read, with its keys, except those of the records left out."""
        keys: dict[int, list[str]] = {}
        for number, entry in enumerate(self.key_entry):
            keys.setdefault(entry, []).append(self.keys[number])
        for entry, record in enumerate(self.record):
            iri = self.iris[record]
            if iri not in leaving:
                yield Row(iri, self.labels[entry], self.folded[entry], bool(self.preferred[entry]),
                          self.kind_names[self.kind[entry]], tuple(keys.get(entry, ())))

    def strings(self) -> dict[str, Strings]:
        """The table's strings, by name."""
        return {"iris": self.iris, "labels": self.labels, "folded": self.folded, "keys": self.keys, "kinds": self.kinds}

    def columns(self) -> dict[str, Sequence[int]]:
        """The table's integer columns, by name."""
        return {"record": self.record, "kind": self.kind, "preferred": self.preferred, "key_entry": self.key_entry,
                "name": self.name, "label_order": self.label_order, "shown_order": self.shown_order}


def _places(order: list[int]) -> array[int]:
    """Where each number stands in an order of them."""
    places = np.empty(len(order), np.int32)
    places[np.asarray(order, np.int64)] = np.arange(len(order), dtype=np.int32)
    return array("i", places.tobytes())


def _as_array(column: Sequence[int]) -> npt.NDArray[Any]:
    """A column as an array of numbers, without a copy when it is one already."""
    return np.asarray(column) if len(column) else np.zeros(0, np.int64)
