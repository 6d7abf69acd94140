"""Revising a built store by one source document: a checkpoint of the store, with that source's graphs
taken out and its new version put in, in a fresh directory. The store being served is never touched.
The store makes the revised edition (Store.revised, graph/store/seam.py); this module says what goes in
and out, and writes the build record that marks the edition complete.

For the embedded store, a checkpoint shares the store's files by hard links, so its cost does not grow with the graph: on
10,000 synthetic cases, checkpoint, change and reopen take tens of milliseconds where a rebuild from
the files takes seconds. The result holds what a full build from the files would; the tests hold
the two side by side.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from graph.editions.build import (
    BUILD_FILE,
    BuildResult,
    NoFullDataset,
    full_digest,
    full_store_dir,
    read_build,
    swap_in,
    write_build,
)
from graph.namespaces import catalog_graph
from graph.store import content
from graph.store.opening import name_remote, open_store, remote_named
from graph.store.remote import Endpoints, RemoteStore
from graph.store.seam import Revision, Store
from graph.store.shared import Changes, SharedState
from graph.store.sources import SourceFile, public_quads, restricted


def revise(current: Path, target: Path, old: SourceFile | None, new: SourceFile | None, base: str, digest: str,
           opened: Mapping[Path, Store] | None = None) -> None:
    """Write to `target` the store at `current` with `old`'s graphs replaced by `new`'s (either may be None).

    The public store gets the new source's public graphs; the full store beside it gets all of them.
    A full store appears with the first restricted source, starting from the public store. Stores
    the caller holds open (`opened`, by directory) are checkpointed as they are, saving an open.
    """
    full = full_store_dir(current)
    held = (full / BUILD_FILE).is_file()

    def store(directory: Path) -> Store:
        held = (opened or {}).get(directory)  # not `or`: a store's truth is its length, a count of the whole graph
        return held if held is not None else open_store(directory, base, read_only=True)

    if not held and new and restricted(new) and remote_named(current) is not None:
        raise NoFullDataset("a restricted source needs the remote store's full dataset, and none is set: "
                            "set the CASEGRAPH_FULL_SPARQL_* endpoints and run `casegraph build`")
    # The full store first: the public store's build record, written last, marks the generation complete.
    if held or (new and restricted(new)):
        start = full if held else current
        _revise_one(store(start), start, full_store_dir(target), Change(old, new, content.FULL, carried=not held), base,
                    full_digest(digest))
    _revise_one(store(current), current, target, Change(old, new, content.PUBLIC), base, digest)


@dataclass(frozen=True)
class Change:
    """One source replaced in a store of an edition; `carried` when a full store starts from the public one."""

    old: SourceFile | None
    new: SourceFile | None
    edition: str
    carried: bool = False

    def added(self) -> set[ox.Quad]:
        """The quads the new version puts into a store of this edition."""
        if self.new is None:
            return set()
        return set(self.new.quads if self.edition == content.FULL else public_quads(self.new))

    def digest_after(self, before: str) -> str:
        """The store's content digest after the change, from the one before it."""
        was = content.relabelled(before, content.PUBLIC, content.FULL) if self.carried else before
        # A carried store holds the old version's public part only, whichever edition it becomes.
        was = content.removed(was, [self.old] if self.old else [], content.PUBLIC if self.carried else self.edition)
        return content.added(was, [self.new] if self.new else [], self.edition)


def touched(old: SourceFile | None, new: SourceFile | None) -> set[str]:
    """The records whose description a write may change: every subject of the old and the new version."""
    return {q.subject.value for source in (old, new) if source for q in source.quads if isinstance(q.subject, ox.NamedNode)}


def _revise_one(served: Store, current: Path, target: Path, change: Change, base: str, digest: str) -> None:
    added, old = change.added(), change.old.graphs if change.old else ()
    previous, catalog = read_build(current), catalog_graph(base)
    graphs = {q.graph_name.value for q in added if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value != catalog}
    now, held = datetime.now(UTC).replace(microsecond=0).isoformat(), change.digest_after(previous.content)

    def record(revision: Revision, changes: int = 0) -> BuildResult:
        return BuildResult(documents=previous.documents - revision.gone + len(graphs),
                           triples=previous.triples - revision.removed + len(added), digest=digest, built=now, content=held,
                           modified=previous.modified if held == previous.content else now, changes=changes)

    if isinstance(served, RemoteStore):  # revised in place, its record going into the store for the other front-ends
        shared = SharedState(served)
        revision = shared.revise(old, added, lambda revision, number: asdict(record(revision, number)))
        write_build(target, record(revision, shared.newest()))  # the same record: the lock held, no change came since
        return
    write_build(target, record(served.revised(target, old, added)))


def generations(store_dir: Path) -> list[Path]:
    """The stores writes have made beside a store (store-live-N), newest first."""
    found = [d for d in store_dir.parent.glob(f"{store_dir.name}-live-*") if d.name.rsplit("-", 1)[-1].isdigit()]
    return sorted(found, key=lambda d: int(d.name.rsplit("-", 1)[-1]), reverse=True)


def adopt(store_dir: Path, digest: str) -> bool:
    """Make the newest generation built from exactly the current files the store, so a restart need not rebuild.

    Only a complete generation (its build record written last) whose digest is the files' digest
    qualifies; a write cut short leaves none, and the caller rebuilds from the files.
    """
    for generation in generations(store_dir):
        if (generation / BUILD_FILE).is_file() and read_build(generation).digest == digest:
            full, served = full_store_dir(generation), full_store_dir(store_dir)
            # Full store first; if a crash came between the two moves, the full one has already arrived.
            if (full / BUILD_FILE).is_file():
                swap_in(full, served)
            elif not full_store_matches(served, digest):
                shutil.rmtree(served, ignore_errors=True)
            swap_in(generation, store_dir)
            return True
    return False


def full_store_matches(full: Path, digest: str) -> bool:
    """Whether a full store was made from the files with this (public) digest."""
    return (full / BUILD_FILE).is_file() and read_build(full).digest == full_digest(digest)


def held_for_writing(store: Store) -> AbstractContextManager[None]:
    """What a writer holds while it changes the source files and the store: a remote dataset's lock, shared by every
    front-end on it; nothing more for the embedded store, which one service alone writes."""
    return SharedState(store).locked() if isinstance(store, RemoteStore) else nullcontext()


def attach(store_dir: Path, remote: Endpoints, base: str) -> bool:
    """Make a folder stand for a remote dataset that front-ends elsewhere built and write to, from the build record
    the dataset holds; whether it held one. A front-end started on a shared dataset so never builds it again."""
    with closing(RemoteStore(remote, base)) as store:
        shared = SharedState(store)
        return _took_record(store_dir, shared, shared.newest(), remote)


def follow(store_dir: Path, base: str, opened: Store | None = None) -> Changes | None:
    """Bring a remote dataset's local build record up to the changes other front-ends made; what they touched, or None
    when the record was up to date (or the store is the embedded one, which no one else changes).

    `opened` is the dataset's store when the caller holds it open, saving a connection at each look.
    """
    named = remote_named(store_dir)
    if named is None:
        return None
    store = opened if isinstance(opened, RemoteStore) else RemoteStore(named, base)
    try:
        shared, seen = SharedState(store), read_build(store_dir).changes
        if shared.newest() <= seen:  # one small query; the log is read only when it moved
            return None
        changes = shared.since(seen)
        _took_record(store_dir, shared, changes.newest)
        return changes
    finally:
        if store is not opened:
            store.close()


def _took_record(store_dir: Path, shared: SharedState, newest: int, remote: Endpoints | None = None) -> bool:
    """Copy the dataset's build record into the folder, as of change `newest` (and name the dataset there, if given)."""
    record = shared.record()
    if record is None:
        return False
    if remote is not None:
        name_remote(store_dir, remote)
    write_build(store_dir, replace(BuildResult(**record), changes=newest))  # type: ignore[arg-type]
    return True


def follow_all(stores: Mapping[Path, Store], base: str) -> tuple[bool, set[str] | None]:
    """Follow the datasets of an edition's stores (public and full, by folder, held open): whether any changed, and
    the records the changes touched (None: every record, after a build or past what the log keeps)."""
    changed, found = False, set[str]()
    every = False
    for store_dir, store in stores.items():
        changes = follow(store_dir, base, store)
        if changes is not None:
            changed = True
            every = every or changes.touched is None
            found |= changes.touched or set()
    return changed, None if every else found
