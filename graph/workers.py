"""Queries in worker processes, so that a query running past its time limit is really stopped.

pyoxigraph cannot cancel a running query, and a thread cannot be killed; a process can. Each
worker opens the store read-only and answers one planned query at a time in a lossless format
(SPARQL TSV for solutions, JSON for booleans, N-Triples for graphs); a worker that overruns is killed
and replaced. Oxigraph writes the answer in chunks, and the chunk that passes the row cap stops it,
so a huge answer is never built in memory.
"""

from __future__ import annotations

import asyncio
import io
import logging
import multiprocessing
import os
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from casegraph.confine import ConfinementError, deny_network, limit_data
from casegraph.errors import CasegraphError, QueryError
from casegraph.sparql import Plan, execute
from casegraph.store import CaseStore, QueryResult

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

GraphResult = list[ox.Triple]
QueryAnswer = ox.QuerySolutions | ox.QueryBoolean | GraphResult

log = logging.getLogger("casegraph.workers")

STARTUP = 60.0  # seconds a worker may take to start (import, confine) before the service gives up on it
MEMORY_POLL = 0.025  # seconds between looks at a busy worker's memory: under 10 MB of growth at the rates measured


class QueryTimeout(CasegraphError):
    """A query ran longer than the time limit and was stopped."""


class Busy(CasegraphError):
    """Every worker stayed busy for the whole time limit."""


class TooManyResults(CasegraphError):
    """A query would answer with more rows (or triples) than the cap."""


class TooMuchMemory(CasegraphError):
    """A query took more memory than the bound and was stopped."""


class _Capped(io.BytesIO):
    """A byte sink for a line-per-row format that refuses the row past the cap.

    TSV results and N-Triples both write one row (or triple) per line after at most one header
    line, so counting newlines counts rows while Oxigraph streams the answer in its own writer.
    """

    def __init__(self, max_rows: int, header_lines: int, noun: str) -> None:
        super().__init__()
        self.lines = 0
        self.limit, self.max_rows, self.noun = max_rows + header_lines, max_rows, noun

    def write(self, chunk: ReadableBuffer, /) -> int:
        """Keep the chunk, unless it passes the cap."""
        self.lines += bytes(chunk).count(b"\n")
        if self.lines > self.limit:
            raise TooManyResults(f"the query answers with more than {self.max_rows} {self.noun}, the most one request may "
                                 "return; add a LIMIT (and OFFSET to page), or download the whole graph from /dumps")
        return super().write(chunk)


def _canonical(result: QueryResult, max_rows: int) -> tuple[str, bytes]:
    """A result as (kind, payload) in a lossless format, reading at most a buffer past the cap."""
    if isinstance(result, ox.QueryBoolean):
        return "boolean", result.serialize(format=ox.QueryResultsFormat.JSON) or b""
    if isinstance(result, ox.QueryTriples):
        triples = _Capped(max_rows, 0, "triples")
        ox.serialize(result, triples, format=ox.RdfFormat.N_TRIPLES)
        return "graph", triples.getvalue()
    rows = _Capped(max_rows, 1, "rows")
    result.serialize(rows, format=ox.QueryResultsFormat.TSV)
    return "results", rows.getvalue()


async def _readable(connection: Connection, timeout: float) -> bool:
    """Whether something arrives on the connection within the timeout, waited for on the event loop."""
    loop = asyncio.get_running_loop()
    arrived: asyncio.Future[None] = loop.create_future()

    def arrive() -> None:
        if not arrived.done():
            arrived.set_result(None)
    loop.add_reader(connection.fileno(), arrive)
    try:
        await asyncio.wait_for(arrived, timeout)
        return True
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(connection.fileno())
        os.set_blocking(connection.fileno(), True)  # uvloop leaves the pipe non-blocking, and recv needs it blocking


def _anonymous_memory(pid: int | None) -> int:
    """The bytes of a process's memory that are its own (resident, not backed by a file), read from /proc."""
    if pid is None:
        return 0
    try:
        with open(f"/proc/{pid}/statm") as statm:
            fields = statm.read().split()
    except OSError:  # the process has ended
        return 0
    return (int(fields[1]) - int(fields[2])) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    ready: bool = False  # it has said that it is confined


def _serve(connection: Connection, base: str, max_rows: int, idle_check: float, memory: int) -> None:
    """A worker's loop: receive a store directory and a plan, answer with (status, kind, payload).

    The worker keeps its store open between queries and opens another only when a write has made
    a new one, so a write costs no new processes. Idle, it lets go of a store that a write has since
    replaced and removed: the worker that answered last answers next, so another may sit idle for
    long, and the old store's files would stay on disk, and its caches in memory, while it is open.
    Before anything else it closes the network to itself and bounds its memory (graph/confine.py),
    and says so; one that cannot says why and ends, without serving.
    """
    try:
        deny_network()
        limit_data(2 * memory)  # the parent stops a query at `memory`; this holds even if it grows past unseen
    except ConfinementError as error:
        connection.send(("refused", "confine", str(error)))
        return
    connection.send(("ready", "", b""))
    opened: tuple[str, CaseStore] | None = None
    while True:
        if opened is not None and not connection.poll(idle_check):
            if not Path(opened[0]).is_dir():
                opened = None
            continue
        try:
            store_dir, planned = connection.recv()
        except EOFError:
            return
        try:
            if opened is None or opened[0] != store_dir:
                opened = None  # the old store closes before the new one opens
                opened = (store_dir, CaseStore.open(Path(store_dir), base, read_only=True))
            kind, payload = _canonical(execute(opened[1], planned), max_rows)
            connection.send(("ok", kind, payload))
        except TooManyResults as error:
            connection.send(("error", "size", str(error)))
        except CasegraphError as error:
            connection.send(("error", "query", str(error)))
        except (OSError, RuntimeError, ValueError) as error:
            connection.send(("error", "run", type(error).__name__))


class QueryWorkers:
    """A fixed pool of query processes with a time limit, a memory bound (MB) and a cap on rows per query.

    It is made only once every worker has said it is confined (graph/confine.py); else ConfinementError.
    """

    def __init__(self, base: str, size: int, timeout: float, max_rows: int, idle_check: float = 10.0,
                 memory: int = 1024) -> None:
        self._context = multiprocessing.get_context("spawn")  # no fork of an open database
        self._base, self.timeout, self.max_rows, self.idle_check = base, timeout, max_rows, idle_check
        self.memory = memory
        # The worker that answered last answers next: a worker left idle longer wakes slower (measured: 0.26 against
        # 0.33 ms a query with half a millisecond between queries, 0.55 against 0.8 ms with ten).
        self._idle: asyncio.LifoQueue[_Worker] = asyncio.LifoQueue()  # used on the service's event loop only
        started = [self._start() for _ in range(size)]
        try:
            for worker in started:
                self._accept(worker, worker.connection.poll(STARTUP))
        except ConfinementError:
            for worker in started:
                worker.process.kill()
            raise
        for worker in started:
            self._idle.put_nowait(worker)

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self._base, self.max_rows, self.idle_check,
                                                              self.memory), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    @staticmethod
    def _accept(worker: _Worker, spoke: bool) -> None:
        """Take a new worker's first word: that it is confined, or else ConfinementError with its reason."""
        try:
            status, _, reason = worker.connection.recv() if spoke else ("", "", f"it did not start within {STARTUP:g} s")
        except (EOFError, OSError):
            status, reason = "", "it ended while starting"
        if status != "ready":
            raise ConfinementError(f"a query worker will not serve queries: {reason}")
        worker.ready = True

    async def _answered(self, worker: _Worker) -> bool:
        """Whether the worker answers within the time limit; TooMuchMemory if it passes the memory bound first."""
        deadline = time.monotonic() + self.timeout
        while (left := deadline - time.monotonic()) > 0:
            if await _readable(worker.connection, min(left, MEMORY_POLL)):
                return True
            if _anonymous_memory(worker.process.pid) > self.memory * 2**20:
                raise TooMuchMemory(f"the query needed more than {self.memory} MB of memory and was stopped; narrow it with "
                                    "more specific patterns or a FILTER (ORDER BY sorts every solution before LIMIT applies)")
        return False

    async def run(self, planned: Plan, store_dir: Path) -> QueryAnswer:
        """Run a planned query on a store in a worker; QueryTimeout if it overruns (the worker is then replaced).

        It waits for the worker on the event loop, not in a thread: a thread hop each way cost more
        than the point lookup itself.
        """
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise Busy(f"every query worker stayed busy for {self.timeout:g} s; try again shortly") from None
        try:
            if not worker.ready:  # a replacement, started without waiting for it
                self._accept(worker, await _readable(worker.connection, STARTUP))
            worker.connection.send((str(store_dir), planned))
            if not await self._answered(worker):
                worker = self._replace(worker)
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
            status, kind, payload = worker.connection.recv()
        except (EOFError, OSError):
            worker = self._replace(worker)
            raise QueryError("the query could not be completed") from None
        except TooMuchMemory:
            worker = self._replace(worker)
            raise
        except ConfinementError as error:
            log.error("%s", error)
            worker = self._replace(worker)
            raise ConfinementError("queries are refused: the query workers could not be barred from the network "
                                   "(the service log says why)") from None
        except asyncio.CancelledError:
            worker = self._replace(worker)  # else its answer would be read as the next query's
            raise
        finally:
            self._idle.put_nowait(worker)
        if status != "ok" and kind == "size":
            raise TooManyResults(payload)
        if status != "ok":
            raise QueryError(payload if kind == "query" else "the query failed while running")
        if kind == "graph":
            return list(ox.parse(payload, format=ox.RdfFormat.N_TRIPLES))
        formats = {"boolean": ox.QueryResultsFormat.JSON, "results": ox.QueryResultsFormat.TSV}
        return ox.parse_query_results(payload, format=formats[kind])

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
