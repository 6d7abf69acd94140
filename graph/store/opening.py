"""Opening a store: the one place that chooses the implementation behind the store seam (graph/store/seam.py).

A store directory is either the embedded Oxigraph store itself or, for a dataset in a remote SPARQL
store, a local folder that names its endpoints in `remote.json` (never its credentials, which come
from the settings) beside what casegraph keeps of it: the build record and the index files.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from graph.errors import NotFound
from graph.iris import DEFAULT_BASE
from graph.settings import Settings, get_settings
from graph.store.remote import TIMEOUT, Endpoints, RemoteStore
from graph.store.seam import Store
from graph.store.store import OxigraphStore

REMOTE_FILE = "remote.json"


def open_store(path: Path, base: str = DEFAULT_BASE, read_only: bool = False, new: bool = False,
               remote: Endpoints | None = None, timeout: float = TIMEOUT) -> Store:
    """The store in a directory; NotFound unless it was built, or an empty one there when `new`.

    Given `remote` with `new`, the directory names that remote dataset, which is emptied of what casegraph put in it.
    `timeout` is how long a remote store's answer may keep casegraph waiting.
    """
    if new and remote is not None:
        name_remote(path, remote)
        store = RemoteStore(remote, base, timeout=timeout)
        store.clear()
        return store
    if new:
        return OxigraphStore.create(path, base)
    named = remote_named(path)
    if named is not None:
        return RemoteStore(named, base, timeout=timeout)
    return OxigraphStore.open(path, base, read_only)


def name_remote(path: Path, remote: Endpoints) -> None:
    """Make a directory name a remote dataset: its endpoints, never its credentials."""
    path.mkdir(parents=True, exist_ok=True)
    (path / REMOTE_FILE).write_text(json.dumps({k: v for k, v in asdict(remote).items() if k != "auth"}), encoding="utf-8")


def remote_named(path: Path) -> Endpoints | None:
    """The remote dataset a store directory names, with the settings' credentials for it; None for an embedded store."""
    try:
        named = json.loads((path / REMOTE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise NotFound(f"{path / REMOTE_FILE} does not name a remote dataset ({error}): build the store again") from None
    try:
        endpoints = Endpoints(str(named["query"]), str(named["update"]), None, str(named["dataset"]),
                              bool(named.get("union", False)))
    except (KeyError, TypeError):
        raise NotFound(f"{path / REMOTE_FILE} does not name a remote dataset: build the store again") from None
    configured = remote_endpoints(get_settings(), endpoints.dataset)
    return configured if configured is not None and configured.place == endpoints.place else endpoints


def remote_endpoints(settings: Settings, dataset: str = "public") -> Endpoints | None:
    """The endpoints of a remote dataset the settings name ("public" or "full"), with its credentials; None if none."""
    prefix = "full_" if dataset == "full" else ""
    query = getattr(settings, f"{prefix}sparql_query_url")
    if query is None:
        return None
    user, password = getattr(settings, f"{prefix}sparql_user"), getattr(settings, f"{prefix}sparql_password")
    auth = (user, password.get_secret_value()) if user is not None and password is not None else None
    return Endpoints(query, getattr(settings, f"{prefix}sparql_update_url"), auth, dataset,
                     getattr(settings, f"{prefix}sparql_union_default_graph"))


def remote_store(endpoints: Endpoints, base: str = DEFAULT_BASE) -> Store:
    """A dataset in a SPARQL 1.1 store over HTTP, reached at its endpoints."""
    return RemoteStore(endpoints, base)


def memory_store(base: str = DEFAULT_BASE) -> Store:
    """An empty store that lives in memory only."""
    return OxigraphStore.in_memory(base)
