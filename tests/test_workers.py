"""Query worker processes: a query is answered in a worker, and an idle worker lets go of a store that was removed."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import BASE, copy_seeds
from graph.editions.build import build
from graph.errors import QueryError
from graph.query import plans, sparql
from graph.query.workers import QueryWorkers
from graph.store.seam import Store
from stores import free_port, until


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


def wakes(pid: int) -> int:
    """How many times a process has woken from a wait (its voluntary context switches)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("voluntary_ctxt_switches")))


def test_an_idle_worker_lets_go_of_a_store_that_was_removed(store: Store, store_dir: Path, tmp_path: Path) -> None:
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
        (pid,) = worker
        woken = wakes(pid)
        until(lambda: wakes(pid) >= woken + 5, "the idle worker never woke to check its store")  # five idle checks
        assert holders(copy) == worker, "a store still there is kept"
        shutil.rmtree(copy)
        until(lambda: not holders(copy), "the worker still holds the removed store's files", seconds=10)
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


def test_a_query_past_the_short_budget_moves_to_the_long_lane_and_is_answered_in_full(store: Store, store_dir: Path) -> None:
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


def refused_connection(listener: socket.socket) -> bool:
    """Whether no connection is waiting on a listening socket; loopback connects complete at connect()."""
    listener.setblocking(False)
    try:
        listener.accept()[0].close()
        return False
    except BlockingIOError:
        return True


def service_plan(listener: socket.socket) -> plans.Plan:
    """A SERVICE call to the listener, planned without graph/sparql.py's check, as if it had slipped past it."""
    host, port = listener.getsockname()
    return plans.Plan(f"SELECT * WHERE {{ SERVICE <http://{host}:{port}/sparql> {{ ?s ?p ?o }} }}")


def test_a_worker_cannot_open_a_connection_whatever_the_query(store_dir: Path) -> None:
    workers = QueryWorkers(BASE, 1, timeout=30, max_rows=100)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        try:
            with pytest.raises(QueryError):
                asyncio.run(workers.run(service_plan(listener), store_dir))
            assert refused_connection(listener), "the worker reached the listener"
        finally:
            workers.close()


def test_the_same_query_outside_a_worker_does_connect(store: Store) -> None:
    # The control for the test above: the query really calls out, so no connection there means it was barred.
    failures: list[str] = []

    def call_out() -> None:
        try:
            list(plans.execute(store, service_plan(listener)))
        except Exception as error:  # the listener hangs up without an answer: how the engine reports it is its own
            # Only its name: the error's traceback holds the query's results, which must be dropped on this thread.
            failures.append(type(error).__name__)

    with socket.create_server(("127.0.0.1", 0)) as listener:
        outside = threading.Thread(target=call_out)
        outside.start()
        listener.settimeout(30)
        connection, _ = listener.accept()
        assert connection.recv(4) in (b"POST", b"GET ")
        connection.close()  # the query then fails, and the thread ends
        outside.join(timeout=30)
    assert failures and not outside.is_alive()


# A process whose seccomp profile forbids adding filters, as some container profiles do, serving the store.
NO_SECCOMP = """
import errno, sys
import pyseccomp as seccomp
rules = seccomp.SyscallFilter(seccomp.ALLOW)
rules.add_rule(seccomp.ERRNO(errno.EPERM), "seccomp")
rules.add_rule(seccomp.ERRNO(errno.EPERM), "prctl", seccomp.Arg(0, seccomp.EQ, 22))  # PR_SET_SECCOMP
rules.load()
from service.command import app
app(["serve", "--store", sys.argv[1], "--port", sys.argv[2]])
"""


def test_the_service_does_not_start_when_its_workers_cannot_be_confined(tmp_path: Path) -> None:
    # A store of its own: the session's store is held by the servers of other tests, and a second process may not serve it.
    store_dir = tmp_path / "store"
    build(copy_seeds(tmp_path / "sources"), store_dir, BASE)
    environment = {**os.environ, "CASEGRAPH_SOURCES": str(store_dir.parent / "sources"),
                   "CASEGRAPH_WRITABLE_SOURCES": str(tmp_path / "written"), "CASEGRAPH_AUDIT_LOG": str(tmp_path / "audit.jsonl")}
    port = free_port()
    ran = subprocess.run([sys.executable, "-c", NO_SECCOMP, str(store_dir), str(port)], env=environment, cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert ran.returncode != 0
    assert "the network could not be closed to a query worker" in ran.stderr
    assert "Application startup failed" in ran.stderr
