"""One store, one truth: the lock a server holds on its store, and the edition of it a command reads.

A server answers from the store it was started on until a write through the API lands; each write
makes a new generation beside it (store-live-N, graph/revise.py) whose build record, written last,
marks it complete. The files (the curated sources and those written through the API) say what
the graph is: the generation built from exactly those files is the one served. A command that
reads the graph opens that generation too, so that it sees what the server serves.

A server holds an exclusive lock on its store for as long as it runs. A build takes the same lock,
so a build into a served store is refused instead of replacing the directory the server reads from
and racing the writes it is revising.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from graph.editions.build import (
    BUILD_FILE,
    build,
    digests_file,
    full_store_dir,
    input_digest,
    read_build,
    remote_datasets,
)
from graph.editions.revise import adopt, attach, follow, full_store_matches, generations
from graph.errors import CasegraphError, NotFound
from graph.settings import Settings
from graph.store.opening import open_store, remote_named
from graph.store.seam import Store


class StoreInUse(CasegraphError):
    """Another process serves or builds the store."""

    def __init__(self, store: Path, holder: str) -> None:
        super().__init__(f"{store} is being served or built by casegraph process {holder or '(unknown)'}")
        self.store, self.holder = store, holder


# Locks this process holds, by lock file, with how many holders: a server started by `casegraph
# serve` takes the lock before uvicorn and again in its lifespan, and a lock taken twice on two
# descriptors in one process would refuse itself.
_held: dict[Path, tuple[IO[str], int]] = {}


def lock_file(store: Path) -> Path:
    """The file a server or a build of this store holds locked: beside the store, which a build replaces."""
    return store.resolve().with_name(store.name + ".lock")


@contextmanager
def holding(store: Path) -> Iterator[None]:
    """Hold the store's lock; StoreInUse at once if another process holds it (released by the system if this one dies)."""
    path = lock_file(store)
    if path in _held:
        handle, count = _held[path]
        _held[path] = (handle, count + 1)
    else:
        _held[path] = (_acquire(store, path), 1)
    try:
        yield
    finally:
        handle, count = _held[path]
        if count > 1:
            _held[path] = (handle, count - 1)
        else:
            del _held[path]
            handle.close()  # closing the descriptor releases the lock


def _acquire(store: Path, path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        raise StoreInUse(store, holder) from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


@dataclass(frozen=True)
class ServedStore:
    """The public store a command reads, and whether it was built from exactly the files now in the source directories."""

    directory: Path
    current: bool

    def note(self, settings: Settings) -> str | None:
        """What a reader should be told about this edition, if anything: a generation of writes, or files it lacks."""
        if not self.current:
            dirs = " and ".join(str(d) for d in settings.source_dirs)
            return (f"{self.directory} was built from other files than those now in {dirs}: "
                    "run `casegraph build`, or restart the server, to bring it up to date")
        if self.directory != settings.store:
            return f"reading {self.directory}: the store the server serves, with the sources written through the API"
        return None


def served_edition(settings: Settings) -> ServedStore:
    """The public store the server serves (or would serve on starting): the newest complete one built from the files.

    When none was built from the files now on disk (the files changed since, or a write is
    landing this instant), the newest complete one, marked as not current.
    """
    candidates = [d for d in (*generations(settings.store), settings.store) if (d / BUILD_FILE).is_file()]
    try:
        digest = input_digest(settings.source_dirs, settings.base, digests_file(settings.store))
    except CasegraphError:  # a source directory missing: no store can be said to match
        digest = None
    for directory in candidates:
        if _digest(directory) == digest:
            return ServedStore(directory, True)
    return ServedStore(candidates[0] if candidates else settings.store, False)


def _digest(directory: Path) -> str | None:
    try:
        return read_build(directory).digest
    except (NotFound, OSError, ValueError, TypeError):  # removed meanwhile, or a record this version cannot read
        return None


def open_served(settings: Settings, tries: int = 5) -> tuple[Store, ServedStore]:
    """Open the edition the server serves, read-only; chosen again if the server removed it between choice and opening.

    Once open, the store stays readable even when its directory goes: its files are held open.
    """
    for _ in range(tries - 1):
        edition = served_edition(settings)
        try:
            return open_store(edition.directory, settings.base, read_only=True), edition
        except NotFound:
            if edition.directory == settings.store or edition.directory.exists():
                raise
    edition = served_edition(settings)
    return open_store(edition.directory, settings.base, read_only=True), edition


def remove_generations(store: Path) -> None:
    """Remove the generations writes made beside a store: a build replaced what they were revisions of."""
    for directory in generations(store):
        shutil.rmtree(directory, ignore_errors=True)
        shutil.rmtree(full_store_dir(directory), ignore_errors=True)


def settle(settings: Settings) -> None:
    """Make the store match the source files and the datasets the settings name: build it when it does not.

    This is also how a write cut short by a crash is settled: the files say what was written. The
    newest store a write made is adopted when it holds exactly the files, so a restart after writes
    costs no rebuild.
    """
    digest = input_digest(settings.source_dirs, settings.base, digests_file(settings.store))
    _shared(settings)
    adopt(settings.store, digest)
    for stale in settings.store.parent.glob(f"{settings.store.name}-live-*"):
        shutil.rmtree(stale, ignore_errors=True)
    record, full = settings.store / BUILD_FILE, full_store_dir(settings.store)
    # A store from before stores kept their merged default graph and content digest is built afresh.
    if (not record.is_file() or read_build(settings.store).digest != digest or not read_build(settings.store).content
            or (full.exists() and not full_store_matches(full, digest)) or not _names_the_datasets(settings)):
        build(settings.source_dirs, settings.store, settings.base, remote=remote_datasets(settings))


def _shared(settings: Settings) -> None:
    """For a remote dataset, take the build record it holds, which the front-ends on it share: a front-end new to it
    attaches to it, one that was stopped catches up with the writes made meanwhile. Either then builds it again only
    if the files say other than the dataset does."""
    wanted = remote_datasets(settings)
    if wanted is None:
        return
    for directory, remote in ((settings.store, wanted.public), (full_store_dir(settings.store), wanted.full)):
        if remote is None:
            continue
        if remote_named(directory) is None or not (directory / BUILD_FILE).is_file():
            attach(directory, remote, settings.base)
        else:
            follow(directory, settings.base)


def _names_the_datasets(settings: Settings) -> bool:
    """Whether the store stands for what the settings name: the embedded store, or the same remote datasets."""
    wanted, named = remote_datasets(settings), remote_named(settings.store)
    if wanted is None or named is None:
        return wanted is None and named is None
    full = remote_named(full_store_dir(settings.store))
    return named.place == wanted.public.place and (full is None or wanted.full is not None and full.place == wanted.full.place)
