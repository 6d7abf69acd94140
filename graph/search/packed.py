"""Strings packed into one byte string: a fraction of the memory of as many Python strings."""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections.abc import Iterable
from typing import Any, SupportsIndex


class Packed:
    """Strings end to end in one byte string, each closed by a NUL and found by its number.

    A million labels held as Python strings take about 70 bytes each before their text; packed,
    they take their UTF-8 and four bytes. So they hold at most 4 GiB (about 60 million labels).
    """

    def __init__(self) -> None:
        self.data = bytearray()
        self.ends = array("I")  # where each string's NUL ends

    def append(self, text: str) -> None:
        """Add a string at the next number."""
        self.data += text.encode()
        self.data += b"\x00"
        self.ends.append(len(self.data))

    def start(self, number: int) -> int:
        """Where a string begins in the data."""
        return self.ends[number - 1] if number else 0

    def __getitem__(self, number: int) -> str:
        ends = self.ends
        return self.data[ends[number - 1] if number else 0:ends[number] - 1].decode()

    def __len__(self) -> int:
        return len(self.ends)

    def many(self, numbers: Iterable[int]) -> dict[int, str]:
        """The strings of these numbers, by number (a third of the time of asking for each)."""
        data, ends = self.data, self.ends
        return {number: data[ends[number - 1] if number else 0:ends[number] - 1].decode() for number in numbers}

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        # The text as a buffer of its own, which graph.editions.pickles reads into place: a bytearray is otherwise pickled inline.
        return _packed, (pickle.PickleBuffer(self.data) if int(protocol) >= 5 else self.data, self.ends)


def _packed(data: bytearray | pickle.PickleBuffer, ends: array[int]) -> Packed:
    """A Packed of its text and ends, as pickled."""
    packed = Packed.__new__(Packed)
    packed.data, packed.ends = data if isinstance(data, bytearray) else bytearray(data), ends
    return packed


class Lookup:
    """The number of each string of a Packed, found through a hash table of numbers.

    The table takes at most 16 bytes a string, where a dictionary takes about 40 and a key of its
    own. Hashed with CRC-32, which is the same in every process, so that a table can be kept in a
    file; the strings must differ.
    """

    def __init__(self, packed: Packed) -> None:
        size = 1 << max(3, (2 * len(packed)).bit_length())  # at most half full: few probes
        self.packed, self.mask = packed, size - 1
        self.table = array("i", [-1]) * size
        with memoryview(packed.data) as data:
            for number in range(len(packed)):
                slot = zlib.crc32(data[packed.start(number):packed.ends[number] - 1]) & self.mask
                while self.table[slot] != -1:
                    slot = (slot + 1) & self.mask
                self.table[slot] = number

    def get(self, text: str) -> int | None:
        """The number of a string, or None when it is not there."""
        wanted = text.encode(errors="surrogatepass")
        data, ends = self.packed.data, self.packed.ends
        slot = zlib.crc32(wanted) & self.mask
        while (number := self.table[slot]) != -1:
            if data[self.packed.start(number):ends[number] - 1] == wanted:
                return number
            slot = (slot + 1) & self.mask
        return None


class Coded:
    """Strings of few distinct values (kinds, classes), each value held once and each string two bytes.

    A list of 1.5 million such strings takes 12 MB of pointers; coded, 3 MB.
    """

    def __init__(self) -> None:
        self.values: list[str] = []
        self.codes = array("H")
        self._index: dict[str, int] = {}

    def append(self, text: str) -> None:
        """Add a string at the next number."""
        code = self._index.setdefault(text, len(self.values))
        if code == len(self.values):
            self.values.append(text)
        self.codes.append(code)

    def __getitem__(self, number: int) -> str:
        return self.values[self.codes[number]]

    def __len__(self) -> int:
        return len(self.codes)
