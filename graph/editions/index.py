"""The search index and the networks of a store, made once in a process of their own and kept in files beside it.

Reading them from the store takes minutes at 100,000 cases (SPARQL joins over 1.3 million labels
and 1.8 million edges), and a process that has read them keeps the memory of every row it read.
So a child process reads them, writes them into the store's directory and exits; the service maps
the files: numpy arrays read with allow_pickle=False (graph/search/indexfiles.py,
graph/network/files.py) and JSON, never a pickle, so nothing in them can run code. A restart then
costs seconds, and the service holds only what it serves.

The files are used only with the store and the code that made them: they are keyed by the store's
build digest and a digest of casegraph's modules and queries, as loaded by the service.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import resource
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any, TypeVar

import pyoxigraph as ox
from pydantic import TypeAdapter, ValidationError

from graph.editions.build import read_build
from graph.errors import CasegraphError, IndexFileError
from graph.files import write_durably
from graph.network import load_views, save_views
from graph.network.files import ViewsUnreadable
from graph.network.network import View, build_views
from graph.paths import PACKAGE_DIR, queries_dir
from graph.processes import run_apart
from graph.search.textindex import SearchIndex
from graph.store.opening import open_store
from graph.store.remote import WHOLE_GRAPH
from graph.store.seam import Store

INDEX_FOLDER = "index"
RECORD = "index.json"
VIEWS_FOLDER = "views"
SEARCH_FOLDER = "search"
Summary = TypeVar("Summary")


class IndexFailed(CasegraphError):
    """The process making a store's index files did not finish."""


@dataclass(frozen=True)
class IndexRecord:
    """What the index files were made from, and what making them cost the process that made them."""

    key: str
    seconds: float
    peak_mb: float


@cache
def code_digest() -> str:
    """A digest of what makes the files: casegraph's modules and queries, read once, when first asked (at start-up)."""
    return digest_of(PACKAGE_DIR, queries_dir())


def digest_of(package: Path, queries: Path) -> str:
    """A digest of the Python and pyoxigraph versions, a package's modules and name tables, and every query under a folder."""
    digest = hashlib.sha256(f"{sys.version_info[:2]} {ox.__version__}".encode())
    # The search index holds the keys graph.search.names makes from its tables: a changed table makes the index anew.
    for path in [*sorted(package.rglob("*.py")), *sorted(package.glob("data/names/*.tsv")), *sorted(queries.rglob("*.rq"))]:
        digest.update(str(path.relative_to(package.parent)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def index_key(store_dir: Path, code: str | None = None) -> str:
    """The identity of the index files of a store: its build digest and the code that makes them."""
    built = read_build(store_dir)  # a remote dataset's changes count too: other front-ends change it, not the files
    return hashlib.sha256(f"{built.digest} {built.changes} {code or code_digest()}".encode()).hexdigest()


def make_index(store_dir: Path, base: str, code: str) -> None:
    """Read the search index and the networks of a store and write them into its index folder; the record goes last.

    `code` is the digest of the code of the process that asked: one whose code changed on disk
    since would load files made by other code, so they are not made.
    """
    _same_code(code)
    start, folder = time.perf_counter(), store_dir / INDEX_FOLDER
    # Reading the whole graph from a remote store can keep the first byte back for minutes (Virtuoso sorts first).
    store = open_store(store_dir, base, read_only=True, timeout=WHOLE_GRAPH)
    folder.mkdir(exist_ok=True)  # not its parents: a store removed meanwhile gets no orphan folder
    (folder / RECORD).unlink(missing_ok=True)  # first: no record may vouch for files half replaced
    _replace_folder(folder / SEARCH_FOLDER, SearchIndex(store).save)
    views = build_views(store)
    _replace_folder(folder / VIEWS_FOLDER, lambda part: save_views(views, part))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    record = IndexRecord(index_key(store_dir, code), round(time.perf_counter() - start, 3), round(peak, 1))
    write_durably(folder / RECORD, json.dumps(asdict(record)).encode())


def _replace_folder(path: Path, write: Callable[[Path], None]) -> None:
    """Write a folder of files beside `path`, then put it in place.

    A new folder, never files rewritten in place: a service still has the old files memory-mapped,
    and keeps reading them (unlinked, they stay until unmapped).
    """
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    shutil.rmtree(part, ignore_errors=True)
    write(part)
    shutil.rmtree(path, ignore_errors=True)
    os.replace(part, path)


def _same_code(code: str) -> None:
    """Refuse to make files for a process whose code is not this one's: it would load them into other classes."""
    if code != code_digest():
        raise IndexFailed("casegraph's code changed since the service started: restart it")


def index_record(store_dir: Path) -> IndexRecord | None:
    """The record of the store's index files when they were made from this store by this code, else None."""
    try:
        record = IndexRecord(**json.loads((store_dir / INDEX_FOLDER / RECORD).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):  # none, or not one this code wrote: the files are made again
        return None
    return record if record.key == index_key(store_dir) else None


def ensure_index(store_dir: Path, base: str) -> IndexRecord:
    """The store's index files, made first in a process of its own when they are missing or out of date."""
    record = index_record(store_dir)
    if record is not None:
        return record
    # Niced (the default of run_apart), so that the writes the service answers meanwhile come first.
    exit_code = run_apart("index", _told, make_index, store_dir, base, code_digest())
    record = index_record(store_dir)
    if exit_code != 0 or record is None:
        raise IndexFailed(f"making the index files of {store_dir} failed (exit code {exit_code}); see the log")
    return record


def read_index(store_dir: Path, base: str) -> tuple[SearchIndex, dict[str, View]]:
    """The store's search index and network views, from its index files (made first when needed)."""
    ensure_index(store_dir, base)
    try:
        search = SearchIndex.load(store_dir / INDEX_FOLDER / SEARCH_FOLDER)
    except IndexFileError as error:
        raise IndexFailed(str(error)) from None
    return search, _views(store_dir)


def read_views(store_dir: Path, base: str) -> dict[str, View]:
    """The store's network views, from its index files (made first when needed)."""
    ensure_index(store_dir, base)
    return _views(store_dir)


def _views(store_dir: Path) -> dict[str, View]:
    try:
        return load_views(store_dir / INDEX_FOLDER / VIEWS_FOLDER)
    except ViewsUnreadable as error:
        raise IndexFailed(str(error)) from None


def summary_apart(name: str, make: Callable[[Store], Summary], shape: Any, store_dir: Path, base: str) -> Summary:
    """What `make` gives for a store, made the first time by a process of its own and kept as JSON in the store's index folder.

    For summaries of the whole store, such as the charts and the home page's counts: the queries
    behind them grew the serving process by up to 1.1 GB at 100,000 cases, memory Python then
    keeps. `shape` is the summary's type (a dataclass, or a list of them), which pydantic writes
    and reads back. The file's name carries the code's digest, and the folder is the store's own.
    """
    path = store_dir / INDEX_FOLDER / f"{name}-{code_digest()[:16]}.json"
    try:
        handle = derived_file(path, _summary_json, store_dir, base, make, shape)
    except IndexFailed as error:
        raise IndexFailed(f"making the {name} of {store_dir} failed ({error})") from None
    with handle:
        try:
            summary: Summary = TypeAdapter(shape).validate_json(handle.read())
        except ValidationError as error:
            raise IndexFailed(f"{path} is not a {name} this code writes ({error.error_count()} errors)") from None
    return summary


def _summary_json(store: Store, output: IO[bytes], make: Callable[[Store], object], shape: Any) -> None:
    output.write(TypeAdapter(shape).dump_json(make(store)))


def derived_file(path: Path, write: Callable[..., None], store_dir: Path, base: str, *args: object) -> io.BufferedReader:
    """A store's file, opened: the one kept, or else one written by `write(store, output, *args)` in a process of its own.

    For files made from the whole store, such as the dataset description: written in the serving
    process, it raised its peak by some 220 MB at 100,000 cases. The child writes a part file
    beside it; this process opens that, then renames it into place, so that a prune of the folder
    by another request cannot take the file between its writing and its sending.
    """
    try:
        return path.open("rb")
    except FileNotFoundError:
        pass
    part = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.part")
    exit_code = run_apart(path.stem, _told, _write_part, part, write, store_dir, base, code_digest(), *args)
    if exit_code != 0:
        part.unlink(missing_ok=True)
        raise IndexFailed(f"writing {path.name} for {store_dir} failed (exit code {exit_code}); see the log")
    handle = part.open("rb")
    os.replace(part, path)
    return handle


def _told(target: Callable[..., None], *args: object) -> None:
    """Run a child's work; a failure casegraph reports (a store gone, a file it cannot read) ends it with that failure
    in one line of the log, not a traceback."""
    try:
        target(*args)
    except CasegraphError as error:
        print(f"casegraph: {error}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None


def _write_part(part: Path, write: Callable[..., None], store_dir: Path, base: str, code: str, *args: object) -> None:
    _same_code(code)
    store = open_store(store_dir, base, read_only=True, timeout=WHOLE_GRAPH)
    part.parent.mkdir(parents=True, exist_ok=True)
    with part.open("wb") as output:
        write(store, output, *args)
