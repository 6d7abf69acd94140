"""Dumps: the whole public dataset, or one source graph, as files in the standard RDF formats."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass

from casegraph.errors import NotFound
from casegraph.export import FORMATS, ExportFormat, export
from casegraph.store import CaseStore

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


def dumps(store: CaseStore) -> list[Dump]:
    """Every dump the store offers: the whole dataset and each source, in each format, plain and gzipped."""
    names = [WHOLE, *store.source_names()]
    return [
        Dump(f"{name}.{FORMATS[f].extension}{'.gz' if gz else ''}", None if name == WHOLE else name, FORMATS[f], gz)
        for name in names for f in DUMP_FORMATS for gz in (False, True)
    ]


def find_dump(store: CaseStore, filename: str) -> Dump:
    """The dump with this file name; NotFound names the way file names are made."""
    # Read from the name, not found in the list of every dump: that list grows with every source.
    stem, gzipped = (filename[:-3], True) if filename.endswith(".gz") else (filename, False)
    name, _, extension = stem.rpartition(".")
    chosen = [f for f in DUMP_FORMATS if FORMATS[f].extension == extension]
    if chosen and name and (name == WHOLE or _holds(store, name)):
        return Dump(filename, None if name == WHOLE else name, FORMATS[chosen[0]], gzipped)
    extensions = ", ".join(FORMATS[f].extension for f in DUMP_FORMATS)
    raise NotFound(f"no dump {filename!r}: dumps are named {WHOLE} or a source name, then .{{{extensions}}}, optionally .gz")


def _holds(store: CaseStore, name: str) -> bool:
    try:
        store.graph(name)
    except NotFound:
        return False
    return True


def dump_bytes(store: CaseStore, dump: Dump) -> bytes:
    """The content of a dump."""
    buffer = io.BytesIO()
    export(store, dump.format, buffer, store.graph(dump.source) if dump.source else None)
    data = buffer.getvalue()
    return gzip.compress(data, mtime=0) if dump.gzipped else data
