"""Opening a store: the one place that chooses the implementation behind the store seam (graph/store/seam.py)."""

from __future__ import annotations

from pathlib import Path

from graph.settings import DEFAULT_BASE
from graph.store.remote import Endpoints, RemoteStore
from graph.store.seam import Store
from graph.store.store import OxigraphStore


def open_store(path: Path, base: str = DEFAULT_BASE, read_only: bool = False, new: bool = False) -> Store:
    """The store in a directory; NotFound unless it was built, or an empty one there when `new`."""
    if new:
        return OxigraphStore.create(path, base)
    return OxigraphStore.open(path, base, read_only)


def remote_store(endpoints: Endpoints, base: str = DEFAULT_BASE) -> Store:
    """A dataset in a SPARQL 1.1 store over HTTP, reached at its endpoints."""
    return RemoteStore(endpoints, base)


def memory_store(base: str = DEFAULT_BASE) -> Store:
    """An empty store that lives in memory only."""
    return OxigraphStore.in_memory(base)
