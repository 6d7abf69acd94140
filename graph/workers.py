"""Queries in worker processes, so that a query running past its time limit is really stopped.

pyoxigraph cannot cancel a running query, and a thread cannot be killed; a process can. Each
worker opens the store read-only and answers one planned query at a time in a canonical format
(SPARQL JSON for results, N-Triples for graphs); a worker that overruns is killed and replaced.
Results are read row by row and refused past the cap, so a huge answer is never built in memory.
"""

from __future__ import annotations

import json
import multiprocessing
import queue
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from casegraph.errors import CasegraphError, QueryError
from casegraph.sparql import Plan, execute
from casegraph.store import CaseStore, QueryResult

GraphResult = list[ox.Triple]


T = TypeVar("T")


class QueryTimeout(CasegraphError):
    """A query ran longer than the time limit and was stopped."""


class Busy(CasegraphError):
    """Every worker stayed busy for the whole time limit."""


class TooManyResults(CasegraphError):
    """A query would answer with more rows (or triples) than the cap."""


def _term(term: object) -> dict[str, object]:
    """A term in the SPARQL 1.1 Query Results JSON format (with RDF 1.2 triple terms)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term(term.subject), "predicate": _term(term.predicate),
                                            "object": _term(term.object)}}
    raise ValueError(f"unexpected term {term!r}")


def _capped(result: QueryResult, max_rows: int) -> tuple[str, bytes]:
    """A result in a canonical format, reading at most one row past the cap: (kind, payload)."""
    if isinstance(result, ox.QueryBoolean):
        return "results", result.serialize(format=ox.QueryResultsFormat.JSON) or b""
    if isinstance(result, ox.QueryTriples):
        triples = _first(result, max_rows, "triples")
        return "graph", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    names = [v.value for v in result.variables]
    bindings = [{name: _term(row[name]) for name in names if row[name] is not None}
                for row in _first(result, max_rows, "rows")]
    return "results", json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}).encode()


def _first(items: Iterator[T], max_rows: int, noun: str) -> list[T]:
    """All the items, or TooManyResults as soon as there is one more than the cap."""
    kept: list[T] = []
    for item in items:
        if len(kept) == max_rows:
            raise TooManyResults(f"the query answers with more than {max_rows} {noun}, the most one request may return; "
                                 "add a LIMIT (and OFFSET to page), or download the whole graph from /dumps")
        kept.append(item)
    return kept


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection


def _serve(connection: Connection, store_dir: str, base: str, max_rows: int) -> None:
    """A worker's loop: receive a plan, answer with (status, kind, payload)."""
    store = CaseStore.open(Path(store_dir), base, read_only=True)
    while True:
        try:
            planned: Plan = connection.recv()
        except EOFError:
            return
        try:
            kind, payload = _capped(execute(store, planned), max_rows)
            connection.send(("ok", kind, payload))
        except TooManyResults as error:
            connection.send(("error", "size", str(error)))
        except CasegraphError as error:
            connection.send(("error", "query", str(error)))
        except (OSError, RuntimeError, ValueError) as error:
            connection.send(("error", "run", type(error).__name__))


class QueryWorkers:
    """A fixed pool of query processes with a time limit and a cap on rows per query."""

    def __init__(self, store_dir: Path, base: str, size: int, timeout: float, max_rows: int) -> None:
        self._context = multiprocessing.get_context("spawn")  # no fork of an open database
        self._store_dir, self._base, self.timeout, self.max_rows = str(store_dir), base, timeout, max_rows
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self._store_dir, self._base, self.max_rows), daemon=True)
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
        if status != "ok" and kind == "size":
            raise TooManyResults(payload)
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
