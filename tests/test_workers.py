"""Query worker processes: a query is answered in a worker, and an idle worker lets go of a store that was removed."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

from casegraph import sparql
from casegraph.store import CaseStore
from casegraph.workers import QueryWorkers
from conftest import BASE


def holders(path: Path) -> set[int]:
    """The processes, other than this one, with a file under `path` open (a removed file included)."""
    found = set()
    for descriptors in Path("/proc").glob("[0-9]*/fd"):
        pid = int(descriptors.parent.name)
        try:
            if pid != os.getpid() and any(os.readlink(fd).startswith(str(path)) for fd in descriptors.iterdir()):
                found.add(pid)
        except OSError:  # a process that ended meanwhile
            continue
    return found


def test_an_idle_worker_lets_go_of_a_store_that_was_removed(store: CaseStore, store_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store-live-1"
    shutil.copytree(store_dir, copy)
    workers = QueryWorkers(BASE, 1, timeout=30, max_rows=100, idle_check=0.1)
    try:
        planned = sparql.plan(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        answer = asyncio.run(workers.run(planned, copy))
        assert isinstance(answer, ox.QuerySolutions)
        assert int(next(iter(answer))["n"].value) == len(store)
        worker = holders(copy)
        assert len(worker) == 1, "the worker holds the store it answered from"
        time.sleep(0.5)  # five idle checks: a store still there is kept
        assert holders(copy) == worker
        shutil.rmtree(copy)
        deadline = time.monotonic() + 10
        while holders(copy):
            assert time.monotonic() < deadline, "the worker still holds the removed store's files"
            time.sleep(0.1)
    finally:
        workers.close()
