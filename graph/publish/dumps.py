"""Dumps: the whole public dataset, or one source graph, as files in the standard RDF formats."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from graph.errors import NotFound
from graph.files import replace_with
from graph.publish.export import FORMATS, ExportFormat, export
from graph.store.seam import Store

WHOLE = "casegraph"
DUMP_FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld")


@dataclass(frozen=True)
class Dump:
    """One downloadable file: which graph, which format, compressed or not."""

    filename: str
    source: str | None
    format: ExportFormat
    gzipped: bool

    @property
    def media_type(self) -> str:
        """The media type of the file as served."""
        return "application/gzip" if self.gzipped else self.format.media_type


def dumps(store: Store) -> Iterator[Dump]:
    """Every dump the store offers, one at a time: the whole dataset and each source, in each format, plain and gzipped."""
    return (_dump(name, f, gz) for name in [WHOLE, *store.source_names()] for f in DUMP_FORMATS for gz in (False, True))


def whole_dumps() -> list[Dump]:
    """The uncompressed dumps of the whole dataset, one per format."""
    return [_dump(WHOLE, f, False) for f in DUMP_FORMATS]


def _dump(name: str, format_name: str, gzipped: bool) -> Dump:
    fmt = FORMATS[format_name]
    return Dump(f"{name}.{fmt.extension}{'.gz' if gzipped else ''}", None if name == WHOLE else name, fmt, gzipped)


def find_dump(store: Store, filename: str) -> Dump:
    """The dump with this file name; NotFound names the way file names are made."""
    # Read from the name, not found in the list of every dump: that list grows with every source.
    stem, gzipped = (filename[:-3], True) if filename.endswith(".gz") else (filename, False)
    name, _, extension = stem.rpartition(".")
    chosen = [f for f in DUMP_FORMATS if FORMATS[f].extension == extension]
    if chosen and name and (name == WHOLE or store.has_source(name)):
        return Dump(filename, None if name == WHOLE else name, FORMATS[chosen[0]], gzipped)
    extensions = ", ".join(FORMATS[f].extension for f in DUMP_FORMATS)
    raise NotFound(f"no dump {filename!r}: dumps are named {WHOLE} or a source name, then .{{{extensions}}}, optionally .gz")


def dump_file(store: Store, dump: Dump, folder: Path) -> Path:
    """The dump as a file in a folder kept for this store, written the first time it is asked for.

    Whole-dataset dumps run to hundreds of MB at 100,000 cases: on disk they are written once and
    streamed, where kept in memory they would stay there.
    """
    graph = store.graph(dump.source) if dump.source else None

    def write(raw: IO[bytes]) -> None:
        if dump.gzipped:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped:
                # A binary stream that typeshed types as BufferedIOBase rather than IO[bytes].
                export(store, dump.format, cast(IO[bytes], zipped), graph)
        else:
            export(store, dump.format, raw, graph)
    return kept_file(folder / dump.filename, write)


def kept_file(path: Path, write: Callable[[IO[bytes]], None]) -> Path:
    """A file written once, by `write`, the first time it is asked for, and kept.

    It is written under a temporary name and renamed, so a reader never sees half a file, and two
    writers of one file each rename a whole one.
    """
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_with(path, write)
    return path
