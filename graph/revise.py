"""Revising a built store by one source document: a checkpoint of the store, with that source's graphs
taken out and its new version put in, in a fresh directory. The store being served is never touched.

A checkpoint shares the store's files by hard links, so its cost does not grow with the graph: on
10,000 synthetic cases, checkpoint, change and reopen take tens of milliseconds where a rebuild from
the files takes seconds. The result holds what a full build from the files would; the tests hold
the two side by side.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from casegraph.build import BUILD_FILE, BuildResult, full_digest, full_store_dir, read_build, swap_in, write_build
from casegraph.namespaces import catalog_graph
from casegraph.sources import SourceFile, public_quads, restricted


def revise(current: Path, target: Path, old: SourceFile | None, new: SourceFile | None, base: str, digest: str,
           opened: Mapping[Path, ox.Store] | None = None) -> None:
    """Write to `target` the store at `current` with `old`'s graphs replaced by `new`'s (either may be None).

    The public store gets the new source's public graphs; the full store beside it gets all of them.
    A full store appears with the first restricted source, starting from the public store. Stores
    the caller holds open (`opened`, by directory) are checkpointed as they are, saving an open.
    """
    full = full_store_dir(current)
    held = (full / BUILD_FILE).is_file()

    def store(directory: Path) -> ox.Store:
        return (opened or {}).get(directory) or ox.Store.read_only(str(directory))

    # The full store first: the public store's build record, written last, marks the generation complete.
    if held or (new and restricted(new)):
        start = full if held else current
        _revise_one(store(start), start, full_store_dir(target), old, list(new.quads) if new else [], base, full_digest(digest))
    _revise_one(store(current), current, target, old, public_quads(new) if new else [], base, digest)


def touched(old: SourceFile | None, new: SourceFile | None) -> set[str]:
    """The records whose description a write may change: every subject of the old and the new version."""
    return {q.subject.value for source in (old, new) if source for q in source.quads if isinstance(q.subject, ox.NamedNode)}


def _revise_one(served: ox.Store, current: Path, target: Path, old: SourceFile | None, quads: list[ox.Quad], base: str,
                digest: str) -> None:
    shutil.rmtree(target, ignore_errors=True)
    served.backup(str(target))
    store = ox.Store(str(target))
    removed, gone = _remove(store, old.graphs if old else (), base)
    added = set(quads)
    store.extend(added)
    store.flush()
    del store
    previous, catalog = read_build(current), catalog_graph(base)
    graphs = {q.graph_name.value for q in added if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value != catalog}
    result = BuildResult(documents=previous.documents - gone + len(graphs), triples=previous.triples - removed + len(added),
                         digest=digest, built=datetime.now(UTC).replace(microsecond=0).isoformat())
    write_build(target, result)


def _remove(store: ox.Store, graphs: Iterable[ox.NamedNode], base: str) -> tuple[int, int]:
    """Take out source graphs and their catalog entries; returns how many quads and how many of the graphs went."""
    catalog, removed, gone = ox.NamedNode(catalog_graph(base)), 0, 0
    for graph in graphs:
        entry = list(store.quads_for_pattern(graph, None, None, catalog))
        held = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
        removed, gone = removed + len(entry) + held, gone + bool(entry or held)  # a restricted one is not public
        for quad in entry:
            store.remove(quad)
        store.remove_graph(graph)
    return removed, gone


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
