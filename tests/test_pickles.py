"""Objects kept with their arrays beside the pickle come back equal, shared as they were, and read without a second copy."""

from __future__ import annotations

import io
import pickle
import tracemalloc
from array import array
from pathlib import Path

import pytest

from graph.editions import pickles
from graph.search.packed import Lookup, Packed

SIZE = 8_000_000  # items of the large array: 32 MB


def _round_trip(kept: object) -> object:
    handle = io.BytesIO()
    pickles.dump(kept, handle)
    handle.seek(0)
    return pickles.load(handle)


def test_arrays_bytearrays_and_what_holds_them_come_back_equal() -> None:
    packed = Packed()
    for text in ("ürümqi", "", "court/urumqi", "x" * 1000):
        packed.append(text)
    kept = {"ints": array("i", [-1, 0, 7]), "unsigned": array("I", [0, 2**32 - 1]), "bytes": bytearray(b"\x00\xff"),
            "empty": array("q"), "packed": packed, "lookup": Lookup(packed), "words": ["a", "b"], "n": 3}
    back = _round_trip(kept)
    assert isinstance(back, dict)
    for name in ("ints", "unsigned", "bytes", "empty", "words", "n"):
        assert back[name] == kept[name] and type(back[name]) is type(kept[name]), name
    assert back["unsigned"].typecode == "I"
    assert [back["packed"][n] for n in range(4)] == ["ürümqi", "", "court/urumqi", "x" * 1000]
    assert back["lookup"].get("court/urumqi") == 2 and back["lookup"].get("nothing") is None


def test_an_array_held_twice_comes_back_once() -> None:
    shared = array("i", range(10))
    back = _round_trip([shared, {"again": shared}])
    assert isinstance(back, list)
    assert back[0] is back[1]["again"]
    back[0].append(10)  # read into a fresh array of its own: it can grow
    assert back[1]["again"][-1] == 10


def test_a_large_array_is_read_without_a_second_copy(tmp_path: Path) -> None:
    kept = {"large": array("i", [7]) * SIZE}
    with (tmp_path / "ours").open("wb") as handle:
        pickles.dump(kept, handle)
    with (tmp_path / "plain").open("wb") as handle:
        pickle.dump(kept, handle, protocol=5)
    del kept
    peaks = {}
    for name, load in (("ours", pickles.load), ("plain", pickle.load)):
        with (tmp_path / name).open("rb") as handle:
            tracemalloc.start()
            back = load(handle)
            peaks[name] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert back["large"][SIZE - 1] == 7 and len(back["large"]) == SIZE
        del back
    assert peaks["ours"] < 1.2 * 4 * SIZE < 1.8 * 4 * SIZE < peaks["plain"], peaks


def test_a_file_cut_short_or_of_another_kind_is_refused(tmp_path: Path) -> None:
    handle = io.BytesIO()
    pickles.dump({"a": array("i", range(1000))}, handle)
    with pytest.raises(ValueError, match="ends before its arrays"):
        pickles.load(io.BytesIO(handle.getvalue()[:-10]))
    with pytest.raises(ValueError, match="not a file written by graph.editions.pickles"):
        pickles.load(io.BytesIO(pickle.dumps({"a": 1})))


def test_packed_strings_pickle_by_any_protocol() -> None:
    packed = Packed()
    packed.append("gulmira imin")
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(packed, protocol=protocol))[0] == "gulmira imin"
