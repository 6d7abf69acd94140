"""Queries in worker processes, so that a query running past its time limit is really stopped.

pyoxigraph cannot cancel a running query, and a thread cannot be killed; a process can. Each
worker opens the store read-only and answers one planned query at a time in a canonical format
(SPARQL JSON for results, N-Triples for graphs); a worker that overruns is killed and replaced.
"""

from __future__ import annotations

import multiprocessing
import queue
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import CasegraphError, QueryError
from casegraph.sparql import Plan, execute
from casegraph.store import CaseStore

GraphResult = list[ox.Triple]


class QueryTimeout(CasegraphError):
    """A query ran longer than the time limit and was stopped."""


class Busy(CasegraphError):
    """Every worker stayed busy for the whole time limit."""


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection


def _serve(connection: Connection, store_dir: str, base: str) -> None:
    """A worker's loop: receive a plan, answer with (status, kind, payload)."""
    store = CaseStore.open(Path(store_dir), base, read_only=True)
    while True:
        try:
            planned: Plan = connection.recv()
        except EOFError:
            return
        try:
            result = execute(store, planned)
            if isinstance(result, ox.QueryTriples):
                connection.send(("ok", "graph", ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)))
            else:
                connection.send(("ok", "results", result.serialize(format=ox.QueryResultsFormat.JSON)))
        except CasegraphError as error:
            connection.send(("error", "query", str(error)))
        except (OSError, RuntimeError, ValueError) as error:
            connection.send(("error", "run", type(error).__name__))


class QueryWorkers:
    """A fixed pool of query processes with a time limit per query."""

    def __init__(self, store_dir: Path, base: str, size: int, timeout: float) -> None:
        self._context = multiprocessing.get_context("spawn")  # no fork of an open database
        self._store_dir, self._base, self.timeout = str(store_dir), base, timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self._store_dir, self._base), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def run(self, planned: Plan) -> ox.QuerySolutions | ox.QueryBoolean | GraphResult:
        """Run a planned query in a worker; QueryTimeout if it overruns (the worker is then replaced)."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise Busy(f"every query worker stayed busy for {self.timeout:g} s; try again shortly") from None
        try:
            worker.connection.send(planned)
            if not worker.connection.poll(self.timeout):
                worker = self._replace(worker)
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
            status, kind, payload = worker.connection.recv()
        except (EOFError, OSError):
            worker = self._replace(worker)
            raise QueryError("the query could not be completed") from None
        finally:
            self._idle.put(worker)
        if status != "ok":
            raise QueryError(payload if kind == "query" else "the query failed while running")
        if kind == "graph":
            return list(ox.parse(payload, format=ox.RdfFormat.N_TRIPLES))
        return ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)

    def _replace(self, worker: _Worker) -> _Worker:
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()
        return self._start()

    def close(self) -> None:
        """Stop every worker."""
        while not self._idle.empty():
            worker = self._idle.get_nowait()
            worker.process.kill()
            worker.process.join(timeout=5)
