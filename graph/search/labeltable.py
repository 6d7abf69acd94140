"""The labels of a store as flat columns: UTF-8 text end to end and integer arrays, in memory or mapped from files."""

from __future__ import annotations

import mmap
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

Text = bytes | bytearray | mmap.mmap  # each has find() and gives bytes when sliced


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
    """

    __slots__ = ("data", "ends", "base")

    def __init__(self, data: Text, ends: Sequence[int], base: int = 0) -> None:
        self.data, self.ends, self.base = data, ends, base

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

    def find(self, sought: bytes, start: int) -> int:
        """Where the bytes next occur from `start` on, counted from the start of the text; -1 when nowhere."""
        at = self.data.find(sought, self.base + start)
        return at - self.base if at != -1 else -1

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
    number of the label it belongs to, in label order.
    """

    def __init__(self, iris: Strings, labels: Strings, folded: Strings, keys: Strings, kinds: Strings,
                 columns: dict[str, Sequence[int]]) -> None:
        self.iris, self.labels, self.folded, self.keys, self.kinds = iris, labels, folded, keys, kinds
        self.record, self.kind, self.preferred = columns["record"], columns["kind"], columns["preferred"]
        self.key_entry, self.name = columns["key_entry"], columns["name"]  # name: the label naming each record; -1 none
        self.kind_names = [kinds[number] for number in range(len(kinds))]

    @classmethod
    def of(cls, rows: Iterable[Row]) -> LabelTable:
        """The table of these rows, in their order."""
        # fold() drops NULs, the ends of packed strings: so no match runs from one label into the next.
        iris, labels, folded, keys = Strings.of(()), Strings.of(()), Strings.of(()), Strings.of(())
        record, kind, preferred, key_entry, name = array("i"), array("i"), bytearray(), array("i"), array("i")
        numbers: dict[str, int] = {}
        kinds: dict[str, int] = {}
        for row in rows:
            number = numbers.get(row.iri)
            if number is None:
                number = numbers[row.iri] = len(name)
                iris.append(row.iri)
                name.append(-1)
            if row.preferred and (name[number] < 0 or row.label < labels[name[number]]):
                name[number] = len(record)
            record.append(number)
            kind.append(kinds.setdefault(row.kind, len(kinds)))
            preferred.append(row.preferred)
            for key in row.keys:
                keys.append(key)
                key_entry.append(len(record) - 1)
            labels.append(row.label)
            folded.append(row.folded)
        columns: dict[str, Sequence[int]] = {"record": record, "kind": kind, "preferred": preferred, "key_entry": key_entry,
                                             "name": name}
        return cls(iris, labels, folded, keys, Strings.of(kinds), columns)

    def matches(self, needle: str) -> Iterator[Match]:
        """Each label holding the folded text, in itself or in one of its keys."""
        yield from self._found(self.folded, None, needle)
        if self.key_entry:
            yield from self._found(self.keys, self.key_entry, needle)

    def _found(self, packed: Strings, entries: Sequence[int] | None, needle: str) -> Iterator[Match]:
        # A lone surrogate (undecodable bytes on a command line) cannot be in the UTF-8 of a label: it finds nothing.
        ends, sought = packed.ends, needle.encode(errors="surrogatepass")
        at = packed.find(sought, 0)
        while at != -1:
            row = bisect_right(ends, at)
            start = packed.start(row)
            entry = row if entries is None else entries[row]
            record = self.record[entry]
            named = self.name[record]
            yield Match(2 if at != start else 0 if ends[row] - 1 - start == len(sought) else 1, self.iris[record],
                        self.labels[entry], self.labels[entry if named < 0 else named], self.kind_names[self.kind[entry]])
            at = packed.find(sought, ends[row])  # the first match in a string ranks it: on to the next one

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
                "name": self.name}
