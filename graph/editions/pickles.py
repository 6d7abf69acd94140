"""Objects kept in a file as a pickle with their arrays beside it, each array read from the file straight into place.

Pickled as usual, an array is read into a bytes object and then copied into a new array, so for a
moment it is in memory twice: loading the search index and the networks that way took the serving
process's peak about 100 MB over what it then held, at 100,000 cases. Here every array and
bytearray goes out of band (pickle protocol 5) and is read into its final place.

The file: a first line naming the format, a line of JSON with the pickle's length and the type and
size of each array, the pickle, then the arrays' bytes in order.
"""

from __future__ import annotations

import io
import json
import pickle
from array import array
from typing import IO, Any

FORMAT = b"casegraph pickle with arrays 1\n"


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) in (array, bytearray):
            return _as_read, (pickle.PickleBuffer(obj),)
        return NotImplemented


def _as_read(held: array[Any] | bytearray) -> array[Any] | bytearray:
    """An array or bytearray, given back as it was read from the file."""
    return held


def dump(kept: object, handle: IO[bytes]) -> None:
    """Write an object to a file, its arrays and bytearrays after the pickle."""
    buffers: list[pickle.PickleBuffer] = []
    stream = io.BytesIO()
    _Pickler(stream, protocol=5, buffer_callback=buffers.append).dump(kept)
    handle.write(FORMAT)
    handle.write(json.dumps({"pickle": stream.tell(), "arrays": [_shape(buffer) for buffer in buffers]}).encode() + b"\n")
    handle.write(stream.getbuffer())
    for buffer in buffers:
        with buffer.raw() as raw:
            handle.write(raw)


def _shape(buffer: pickle.PickleBuffer) -> tuple[str, int]:
    with buffer.raw() as raw:
        held = raw.obj
        return (held.typecode if isinstance(held, array) else "bytearray"), raw.nbytes


def load(handle: io.BufferedIOBase) -> Any:
    """The object written by dump(); ValueError when the file is not one, or is cut short."""
    if handle.readline() != FORMAT:
        raise ValueError("not a file written by graph.editions.pickles")
    header = json.loads(handle.readline())
    stream = handle.read(header["pickle"])
    arrays = [_read_into(handle, kind, size) for kind, size in header["arrays"]]
    return pickle.loads(stream, buffers=arrays)


def _read_into(handle: io.BufferedIOBase, kind: str, size: int) -> array[Any] | bytearray:
    """An array (or bytearray) of the kind and size, filled from the file without a copy on the way."""
    held = bytearray(size) if kind == "bytearray" else array(kind, [0]) * (size // array(kind).itemsize)
    with memoryview(held) as view, view.cast("B") as raw:
        if handle.readinto(raw) != size:
            raise ValueError("the file ends before its arrays do")
    return held
