"""The search index and the networks of a store, made once in a process of their own and kept in files beside it.

Reading them from the store takes minutes at 100,000 cases (SPARQL joins over 1.3 million labels
and 1.8 million edges), and a process that has read them keeps the memory of every row it read.
So a child process reads them, writes them with pickle into the store's directory and exits; the
service loads the files. A restart then costs seconds, and the service holds only what it serves.

The files are used only with the store and the code that made them: they are keyed by the store's
build digest and a digest of the modules and queries that make them. The pickles are written and
read by casegraph alone, in the store's own directory, which is trusted as the store itself is.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import pickle
import resource
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import pyoxigraph as ox

from casegraph import network, packed, search
from casegraph.build import read_build
from casegraph.dumps import kept_file
from casegraph.errors import CasegraphError
from casegraph.files import write_durably
from casegraph.network import View, build_views
from casegraph.paths import queries_dir
from casegraph.search import SearchIndex
from casegraph.store import CaseStore

INDEX_FOLDER = "index"
RECORD = "index.json"
Kept = TypeVar("Kept")


class IndexFailed(CasegraphError):
    """The process making a store's index files did not finish."""


@dataclass(frozen=True)
class IndexRecord:
    """What the index files were made from, and what making them cost the process that made them."""

    key: str
    seconds: float
    peak_mb: float


def index_key(store_dir: Path) -> str:
    """The identity of the index files a store and this code make: its build digest, the code and the queries."""
    digest = hashlib.sha256(read_build(store_dir).digest.encode())
    digest.update(f"{sys.version_info[:2]} {ox.__version__}".encode())
    made_by = [Path(module.__file__ or "") for module in (network, packed, search, sys.modules[__name__])]
    read_with = [queries_dir() / "pages" / "labels.rq", *sorted((queries_dir() / "network").glob("*.rq"))]
    for path in [*made_by, *read_with]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def make_index(store_dir: Path, base: str) -> None:
    """Read the search index and the networks of a store and write them into its index folder; the record goes last."""
    start, folder = time.perf_counter(), store_dir / INDEX_FOLDER
    store = CaseStore.open(store_dir, base, read_only=True)
    _write(folder / "search.pickle", SearchIndex(store))
    _write(folder / "views.pickle", build_views(store))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    record = IndexRecord(index_key(store_dir), round(time.perf_counter() - start, 3), round(peak, 1))
    write_durably(folder / RECORD, json.dumps(asdict(record)).encode())


def _write(path: Path, kept: object) -> None:
    path.unlink(missing_ok=True)  # kept_file keeps a file that is there: this one is from another store or code

    def write(output: IO[bytes]) -> None:
        pickle.dump(kept, output, protocol=pickle.HIGHEST_PROTOCOL)
    kept_file(path, write)


def index_record(store_dir: Path) -> IndexRecord | None:
    """The record of the store's index files when they were made from this store by this code, else None."""
    path = store_dir / INDEX_FOLDER / RECORD
    if not path.is_file():
        return None
    record = IndexRecord(**json.loads(path.read_text(encoding="utf-8")))
    return record if record.key == index_key(store_dir) else None


def ensure_index(store_dir: Path, base: str) -> IndexRecord:
    """The store's index files, made first in a process of its own when they are missing or out of date."""
    record = index_record(store_dir)
    if record is not None:
        return record
    # A daemon: a service stopping mid-way stops it too, rather than waiting minutes; no record is written then.
    process = multiprocessing.get_context("spawn").Process(target=make_index, args=(store_dir, base), name="casegraph-index",
                                                           daemon=True)
    process.start()
    process.join()
    record = index_record(store_dir)
    if process.exitcode != 0 or record is None:
        raise IndexFailed(f"making the index files of {store_dir} failed (exit code {process.exitcode}); see the log")
    return record


def read_search(store_dir: Path, base: str) -> SearchIndex:
    """The store's search index, from its index files (made first when needed)."""
    ensure_index(store_dir, base)
    return _read(store_dir / INDEX_FOLDER / "search.pickle", SearchIndex)


def read_views(store_dir: Path, base: str) -> dict[str, View]:
    """The store's network views, from its index files (made first when needed)."""
    ensure_index(store_dir, base)
    views: dict[str, View] = _read(store_dir / INDEX_FOLDER / "views.pickle", dict)
    return views


def _read(path: Path, kind: type[Kept]) -> Kept:
    gc.disable()  # millions of objects come in at once: the collector would walk them all, over and over
    try:
        with path.open("rb") as handle:
            kept: Any = pickle.load(handle)
    finally:
        gc.enable()
    if not isinstance(kept, kind):
        raise IndexFailed(f"{path} holds a {type(kept).__name__}, not a {kind.__name__}")
    return kept
