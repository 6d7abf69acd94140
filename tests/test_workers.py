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


def lowered(pids: set[int]) -> set[int]:
    """Those of the processes whose CPU priority was lowered."""
    found = set()
    for pid in pids:
        try:
            if os.getpriority(os.PRIO_PROCESS, pid) > 0:
                found.add(pid)
        except OSError:  # it ended meanwhile
            continue
    return found


def children() -> set[int]:
    """The child processes of this one."""
    return {int(pid) for listing in Path(f"/proc/{os.getpid()}/task").glob("*/children") for pid in listing.read_text().split()}


def test_a_query_past_the_short_budget_moves_to_the_long_lane_and_is_answered_in_full(store: CaseStore, store_dir: Path) -> None:
    # A two-way cross product: millions of rows to count, well past a budget of a hundredth of a second, well within a minute.
    planned = sparql.plan(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }")
    before = children()
    workers = QueryWorkers(BASE, 1, timeout=60, max_rows=100, budget=0.01, long_size=1, store_dir=store_dir)
    try:
        short = children() - before
        assert len(short) == 1 and not lowered(short)
        answer = asyncio.run(workers.run(planned, store_dir))
        assert isinstance(answer, ox.QuerySolutions)
        assert int(next(iter(answer))["n"].value) == len(store) ** 2
        assert lowered(short) == short, "the worker that ran past the budget was handed over to the long lane"
        replacement = children() - before - short
        assert len(replacement) == 1 and not lowered(replacement), "the short lane started another worker"
    finally:
        workers.close()
