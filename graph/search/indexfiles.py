"""A label table kept in a folder: one .npy file per column, and a manifest naming the format and each file's type and length.

The files hold numbers and UTF-8 text only, written by `np.save` and read by `np.load(allow_pickle=False)`:
loading them runs no code from them. They are mapped, not read: a restart costs the checks below, and the
text is paged in from the operating system's cache as searches reach it, shared between processes.
"""

from __future__ import annotations

import functools
import json
import mmap
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from graph.errors import IndexFileError
from graph.files import replace_with, write_durably
from graph.search.labeltable import LabelTable, Strings

FORMAT = "casegraph search index 2"  # 2: suffix arrays and the two orders
MANIFEST = "search.json"
STRINGS = ("iris", "labels", "folded", "keys", "kinds")
SEARCHED = ("folded", "keys")  # the strings kept with their suffix arrays
COLUMNS = {"record": "int32", "kind": "int32", "preferred": "uint8", "key_entry": "int32", "name": "int32",
           "label_order": "int32", "shown_order": "int32"}
LIMIT = 2**31 - 1  # ends and numbers are int32


def save_table(table: LabelTable, names: bool, folder: Path) -> None:
    """Write the table's files into the folder; the manifest goes last, after the old one is removed."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)  # first: no manifest may vouch for files half replaced
    arrays: dict[str, npt.NDArray[Any]] = {}
    for name, strings in table.strings().items():
        text = strings.text_array()
        if len(text) > LIMIT:
            raise IndexFileError(f"the search index's {name} take {len(text):,} bytes, more than its files can hold")
        arrays[f"{name}.text"], arrays[f"{name}.ends"] = text, _integers(strings.ends, "int32")
        if name in SEARCHED:
            arrays[f"{name}.suffixes"] = strings.suffixes
    for name, column in table.columns().items():
        arrays[name] = _integers(column, COLUMNS[name])
    for name, array in arrays.items():
        replace_with(folder / f"{name}.npy", functools.partial(_write_array, array=array))
    manifest = {"format": FORMAT, "names": names, "arrays": {name: [str(a.dtype), len(a)] for name, a in arrays.items()}}
    write_durably(folder / MANIFEST, json.dumps(manifest).encode())


def _write_array(handle: IO[bytes], array: npt.NDArray[Any]) -> None:
    np.save(handle, array, allow_pickle=False)


def _integers(column: Sequence[int], dtype: str) -> npt.NDArray[Any]:
    return np.frombuffer(column, dtype) if len(column) else np.zeros(0, dtype)  # type: ignore[call-overload]


def load_table(folder: Path) -> tuple[LabelTable, bool]:
    """The table kept in the folder, mapped from its files, and whether it holds name keys; IndexFileError if it cannot be."""
    manifest = _manifest(folder)
    loaded = {name: _load(folder, name, *shape) for name, shape in manifest["arrays"].items()}
    strings = {name: _strings(folder, name, loaded) for name in STRINGS}
    columns: dict[str, Sequence[int]] = {name: memoryview(loaded[name]) for name in COLUMNS}  # type: ignore[arg-type]
    _check_columns(folder, loaded, strings)
    return LabelTable(strings["iris"], strings["labels"], strings["folded"], strings["keys"], strings["kinds"], columns), \
        bool(manifest["names"])


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise IndexFileError(f"{folder} holds no search index: {MANIFEST} is missing") from None
    except (OSError, ValueError) as error:
        raise IndexFileError(f"{path} cannot be read as a search index manifest ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexFileError(f"{path} is not the manifest of a search index in the format {FORMAT!r}")
    expected = ({f"{name}.{part}" for name in STRINGS for part in ("text", "ends")} | set(COLUMNS)
                | {f"{name}.suffixes" for name in SEARCHED})
    arrays = manifest.get("arrays")
    if not isinstance(arrays, dict) or set(arrays) != expected or not isinstance(manifest.get("names"), bool):
        raise IndexFileError(f"{path} does not list the files of a search index in the format {FORMAT!r}")
    return manifest


def _load(folder: Path, name: str, dtype: object, length: object) -> npt.NDArray[Any]:
    path = folder / f"{name}.npy"
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:  # missing, cut short, pickled or not .npy at all
        raise IndexFileError(f"{path} cannot be read as a search index file ({error})") from None
    if str(array.dtype) != dtype or array.shape != (length,):
        raise IndexFileError(f"{path} holds {array.dtype} {array.shape}, where the manifest says {dtype} ({length},)")
    return array  # type: ignore[no-any-return]


def _strings(folder: Path, name: str, loaded: dict[str, npt.NDArray[Any]]) -> Strings:
    text, ends = loaded[f"{name}.text"], loaded[f"{name}.ends"]
    if len(ends) and (ends[0] < 1 or ends[-1] != len(text) or np.any(np.diff(ends) < 1)) or not len(ends) and len(text):
        raise IndexFileError(f"{folder / name}.ends.npy does not divide {name}.text.npy into strings")
    suffixes = loaded.get(f"{name}.suffixes")
    if suffixes is not None and (suffixes.dtype != np.int32 or len(suffixes) != len(text)):
        raise IndexFileError(f"{folder / name}.suffixes.npy is not the suffix array of {name}.text.npy")
    with (folder / f"{name}.text.npy").open("rb") as handle:  # mapped again: slices of an mmap are bytes
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return Strings(data, memoryview(ends), int(getattr(text, "offset", 0)), suffixes)  # type: ignore[arg-type]


def _check_columns(folder: Path, loaded: dict[str, npt.NDArray[Any]], strings: dict[str, Strings]) -> None:
    """Refuse numbers that would point outside the table: a search would fail on them later, far from the cause."""
    labels, records, kinds = len(strings["labels"]), len(strings["iris"]), len(strings["kinds"])
    rules = {"record": (labels, 0, records), "kind": (labels, 0, kinds), "preferred": (labels, 0, 2),
             "key_entry": (len(strings["keys"]), 0, labels), "name": (records, -1, labels),
             "label_order": (labels, 0, labels), "shown_order": (labels, 0, labels)}
    if len(strings["folded"]) != labels:
        raise IndexFileError(f"{folder}: the search index has {labels} labels but {len(strings['folded'])} folded ones")
    for name, (length, low, high) in rules.items():
        column = loaded[name]
        if len(column) != length or len(column) and (int(column.min()) < low or int(column.max()) >= high):
            raise IndexFileError(f"{folder / name}.npy does not fit the rest of the search index")
