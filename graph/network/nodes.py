"""The nodes every view shares, numbered by a marisa trie of their IRIs, with their names, kinds, classes and source lists.

A node's number is its IRI's id in the trie: the trie turns an IRI into its number, and holds 1.5
million IRIs (at 100,000 cases) in a fraction of their UTF-8, since they share long prefixes.
Everything else about a node is a numpy array indexed by that number, so that all of it can be
memory-mapped from files and shared between processes through the page cache. That includes the
IRIs again, end to end, for the way back: a depth-2 ego network at 100,000 cases names 7,585
nodes, whose IRIs took 7.3 ms to read from the trie and 5.1 ms from the column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import marisa_trie
import numpy as np
import numpy.typing as npt

from graph.namespaces import local_name
from graph.network.rows import gathered

Ints = npt.NDArray[np.int32]
Numbers = npt.NDArray[np.int64] | npt.NDArray[np.int32]
Offsets = npt.NDArray[np.int64]
NO_VIA = -1  # the event column of an edge that goes through none


@dataclass(frozen=True)
class TextColumn:
    """Strings end to end as UTF-8 in one byte array, the i-th from ends[i - 1] (0 for the first) to ends[i]."""

    data: npt.NDArray[np.uint8]
    ends: Offsets
    _bytes: memoryview = field(init=False, repr=False, compare=False)  # slices of a memoryview cost a tenth of numpy's

    def __post_init__(self) -> None:
        object.__setattr__(self, "_bytes", memoryview(self.data.data))

    @classmethod
    def of(cls, texts: Iterable[str]) -> TextColumn:
        """The column of these strings, in order."""
        encoded = [text.encode() for text in texts]
        data = np.frombuffer(b"".join(encoded), dtype=np.uint8) if encoded else np.zeros(0, np.uint8)
        return cls(data, np.cumsum([len(item) for item in encoded], dtype=np.int64))

    def __getitem__(self, number: int) -> str:
        start = int(self.ends[number - 1]) if number else 0
        return str(self._bytes[start:int(self.ends[number])], "utf-8")

    def many(self, numbers: Numbers) -> list[str]:
        """The strings of these numbers, in order (their bounds read at once)."""
        ends = self.ends[numbers].tolist()
        starts = np.where(numbers > 0, self.ends[np.maximum(numbers - 1, 0)], 0).tolist()
        data = self._bytes
        return [str(data[start:end], "utf-8") for start, end in zip(starts, ends, strict=True)]


@dataclass(frozen=True)
class CodedColumn:
    """Strings of few distinct values (kinds, classes): a small code per string and each value once."""

    codes: npt.NDArray[np.uint16]
    values: list[str]

    @classmethod
    def of(cls, texts: list[str]) -> CodedColumn:
        """The column of these strings, in order."""
        values = sorted(set(texts))
        code = {value: number for number, value in enumerate(values)}
        return cls(np.array([code[text] for text in texts], dtype=np.uint16), values)

    def __getitem__(self, number: int) -> str:
        return self.values[int(self.codes[number])]


@dataclass(frozen=True)
class SourceLists:
    """Lists of source graphs (node numbers, each list sorted by IRI), end to end: list i is items[starts[i]:starts[i + 1]]."""

    items: Ints
    starts: Offsets

    def __getitem__(self, number: int) -> list[int]:
        items: list[int] = self.items[int(self.starts[number]):int(self.starts[number + 1])].tolist()
        return items

    def many(self, numbers: Iterable[int]) -> dict[int, list[int]]:
        """The lists of these numbers, by number (their items read at once)."""
        wanted = np.fromiter(numbers, dtype=np.int64)
        positions, _ = gathered(self.starts, wanted)
        items = self.items[positions].tolist()
        found, at = {}, 0
        for number, size in zip(wanted.tolist(), (self.starts[wanted + 1] - self.starts[wanted]).tolist(), strict=True):
            found[number] = items[at:at + size]
            at += size
        return found


@dataclass(frozen=True)
class NodeTable:
    """Every node of the views: its IRI (through the trie), display name, kind and class; and every list of sources."""

    iris: marisa_trie.Trie
    iri_texts: TextColumn
    labels: TextColumn
    kinds: CodedColumn
    classes: CodedColumn
    sources: SourceLists

    def __len__(self) -> int:
        return len(self.labels.ends)

    def number(self, iri: str) -> int | None:
        """The number of a node, or None."""
        found: int | None = self.iris.get(iri)
        return found

    def known(self, iri: str) -> int:
        """The number of a node that must be there."""
        number = self.number(iri)
        if number is None:
            raise KeyError(iri)
        return number

    def iri(self, number: int) -> str:
        """The IRI of a node."""
        return self.iri_texts[number]

    def iris_of(self, numbers: Numbers) -> dict[int, str]:
        """The IRIs of these nodes, by number (their bounds read at once)."""
        return dict(zip(numbers.tolist(), self.iri_texts.many(numbers), strict=True))

    def about(self, iri: str) -> dict[str, str]:
        """A node's attributes as a network shows them; a node never named is shown by its local name."""
        number = self.number(iri)
        return {"label": local_name(iri), "kind": "", "class": ""} if number is None else self.described(number)

    def described(self, number: int) -> dict[str, str]:
        """The attributes of a node by its number."""
        return {"label": self.labels[number], "kind": self.kinds[number], "class": self.classes[number]}

    def described_many(self, numbers: Iterable[int]) -> dict[int, dict[str, str]]:
        """The attributes of these nodes, by number (each column read at once)."""
        wanted = np.fromiter(numbers, dtype=np.int64)
        kinds, classes = self.kinds.values, self.classes.values
        return {number: {"label": label, "kind": kinds[kind], "class": classes[klass]} for number, label, kind, klass in
                zip(wanted.tolist(), self.labels.many(wanted), self.kinds.codes[wanted].tolist(),
                    self.classes.codes[wanted].tolist(), strict=True)}

    def source_iris(self, number: int) -> list[str]:
        """The IRIs of a list of sources, sorted."""
        return [self.iri(graph) for graph in self.sources[number]]
