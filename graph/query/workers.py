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
from collections import OrderedDict, deque
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

import pyoxigraph as ox

from graph.errors import CasegraphError, QueryError
from graph.query.confine import ConfinementError, deny_network, limit_data
from graph.query.sparql import Plan, execute
from graph.store.store import CaseStore, QueryResult

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

GraphResult = list[ox.Triple]
QueryAnswer = ox.QuerySolutions | ox.QueryBoolean | GraphResult

log = logging.getLogger(__name__)

STARTUP = 60.0  # seconds a worker may take to start (import, confine) before the service gives up on it
MEMORY_POLL = 0.025  # seconds between looks at a busy worker's memory: under 10 MB of growth at the rates measured

WARM_UP = Plan("ASK {}")  # a new worker's first query: it starts and opens the store before a real one
REMEMBERED = 256  # queries that ran past the short budget, kept to send straight to the long lane
LONG_NICENESS = 10  # a long-lane worker yields the CPU to the short lane's


class QueryTimeout(CasegraphError):
    """A query ran longer than the time limit and was stopped."""


class Busy(CasegraphError):
    """Every worker stayed busy for the whole time limit."""


class LongLaneBusy(Busy):
    """A query ran past the short budget while the long-query lane was full."""


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


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    connection: Connection
    ready: bool = False  # it has said that it is confined
    warm: bool = False  # it has answered, so it is started and has a store open
    owes: bool = False  # a warm-up query was sent whose answer is not read yet


T = TypeVar("T")


class _Stack(Generic[T]):
    """Idle entries, the one put back last taken first; callers waiting for one are served in turn."""

    def __init__(self, entries: list[T]) -> None:
        self._entries = entries
        self._waiting: deque[asyncio.Future[list[T]]] = deque()

    def put(self, entry: T, top: bool = True) -> None:
        """Hand an entry to the longest waiting caller, or keep it (on top, or at the bottom)."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result([entry])
                return
        if top:
            self._entries.append(entry)
        else:
            self._entries.insert(0, entry)

    def take(self) -> list[T]:
        """The top entry, if there is one, without waiting."""
        return [self._entries.pop()] if self._entries else []

    async def get(self, timeout: float) -> list[T]:
        """The top entry, waiting for one up to the timeout; nothing when none came."""
        if self._entries:
            return [self._entries.pop()]
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[list[T]] = loop.create_future()
        self._waiting.append(waiter)

        def give_up() -> None:
            if not waiter.done():
                waiter.set_result([])
        timer = loop.call_later(timeout, give_up)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                for entry in waiter.result():  # handed over just as the caller went away: not lost
                    self.put(entry)
            raise
        finally:
            timer.cancel()

    def drain(self) -> list[T]:
        """Every entry kept, removed."""
        entries, self._entries = self._entries, []
        return entries


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


def _decode(status: str, kind: str, payload: bytes | str) -> QueryAnswer:
    """A worker's answer as the query's result, or the error it reported."""
    if status != "ok" and kind == "size":
        raise TooManyResults(str(payload))
    if status != "ok":
        raise QueryError(str(payload) if kind == "query" else "the query failed while running")
    if kind == "graph":
        return list(ox.parse(payload, format=ox.RdfFormat.N_TRIPLES))
    formats = {"boolean": ox.QueryResultsFormat.JSON, "results": ox.QueryResultsFormat.TSV}
    return ox.parse_query_results(payload, format=formats[kind])


class QueryWorkers:
    """Query processes in two lanes, with a time limit, a memory bound (MB) and a cap on rows per query.

    Every query starts in the short lane. One that runs past the short budget moves to the small
    long lane: its worker is handed over as it is, running on to the time limit, and the short
    lane starts another; when the long lane is full, the query is stopped instead. Runaway queries
    thus never hold the workers that short ones need. A query that ran past the budget is
    remembered, and sent straight to the long lane the next time, so that clients repeating it
    do not make the short lane stop and start workers over and over. The pool is made only once
    every worker has said it is confined (graph/confine.py); else ConfinementError.
    """

    def __init__(self, base: str, size: int, timeout: float, max_rows: int, idle_check: float = 10.0, *,
                 budget: float = 0.5, long_size: int = 1, store_dir: Path | None = None, memory: int = 1024) -> None:
        self._context = multiprocessing.get_context("spawn")  # no fork of an open database
        self._base, self.timeout, self.max_rows, self.idle_check = base, timeout, max_rows, idle_check
        self.budget, self.memory = min(budget, timeout), memory
        self._live: set[_Worker] = set()
        started = [self._start(store_dir) for _ in range(size)]
        try:
            for worker in started:
                self._accept(worker, worker.connection.poll(STARTUP))
        except ConfinementError:
            self.close()
            raise
        # The worker that answered last answers next: a worker left idle longer wakes slower (measured: 0.26 against
        # 0.33 ms a query with half a millisecond between queries, 0.55 against 0.8 ms with ten).
        self._short: _Stack[_Worker] = _Stack(started)
        # A free slot of the long lane holds the worker that last ran in it, or None: its worker was stopped.
        self._long: _Stack[_Worker | None] = _Stack([None] * long_size)
        self._outran: OrderedDict[Plan, None] = OrderedDict()

    def _start(self, store_dir: Path | None, long: bool = False) -> _Worker:
        """A new worker; given a store, it is sent a warm-up query at once, so that it starts while waiting to be used."""
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self._base, self.max_rows, self.idle_check,
                                                              self.memory), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        if long:
            _yield_cpu(worker)
        if store_dir is not None:
            parent.send((str(store_dir), WARM_UP))
            worker.owes = True
        self._live.add(worker)
        return worker

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

    async def _answered(self, worker: _Worker, timeout: float) -> bool:
        """Whether the worker answers within the timeout; TooMuchMemory if it passes the memory bound first."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if await _readable(worker.connection, min(left, MEMORY_POLL)):
                return True
            if _anonymous_memory(worker.process.pid) > self.memory * 2**20:
                raise TooMuchMemory(f"the query needed more than {self.memory} MB of memory and was stopped; narrow it with "
                                    "more specific patterns or a FILTER (ORDER BY sorts every solution before LIMIT applies)")
        return False

    def _kill(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()
        self._live.discard(worker)

    async def run(self, planned: Plan, store_dir: Path) -> QueryAnswer:
        """Run a planned query on a store in a worker.

        QueryTimeout if it overruns the time limit, Busy if no worker is free for it, and
        LongLaneBusy if it runs past the short budget while the long lane is full; a worker
        stopped midway is replaced. It waits for the worker on the event loop, not in a thread:
        a thread hop each way cost more than the point lookup itself.
        """
        try:
            if planned in self._outran:
                self._outran.move_to_end(planned)
                return _decode(*await self._run_long(planned, store_dir))
            return _decode(*await self._run_short(planned, store_dir))
        except ConfinementError as error:
            log.error("%s", error)
            raise ConfinementError("queries are refused: the query workers could not be barred from the network "
                                   "(the service log says why)") from None

    async def _ready(self, worker: _Worker, store_dir: Path) -> None:
        """Wait until a new worker has answered its warm-up query: its start-up is no query's time."""
        if worker.warm:
            return
        if not worker.owes:
            worker.connection.send((str(store_dir), WARM_UP))
            worker.owes = True
        if not worker.ready:  # its first word: that it is confined
            self._accept(worker, await _readable(worker.connection, STARTUP))
        if not await _readable(worker.connection, self.timeout):
            raise OSError("the worker did not start")
        worker.connection.recv()  # whatever it says, the query itself will say it again
        worker.owes, worker.warm = False, True

    async def _run_short(self, planned: Plan, store_dir: Path) -> tuple[str, str, bytes | str]:
        got = await self._short.get(self.timeout)
        if not got:
            raise Busy(f"every query worker stayed busy for {self.timeout:g} s; try again shortly")
        worker = got[0]
        if planned in self._outran:  # it ran past the budget in another request while this one waited
            self._short.put(worker)
            return await self._run_long(planned, store_dir)
        kept, outran = False, False
        try:
            await self._ready(worker, store_dir)
            worker.connection.send((str(store_dir), planned))
            sent = time.monotonic()
            if await self._answered(worker, self.budget):
                answer: tuple[str, str, bytes | str] = worker.connection.recv()
                kept = True
                return answer
            outran = True
        except (EOFError, OSError):
            raise QueryError("the query could not be completed") from None
        finally:
            if kept:
                self._short.put(worker)
            else:
                if not outran:
                    self._kill(worker)  # else a cancelled query's answer would be read as the next query's
                self._short.put(self._start(store_dir), top=False)  # the short lane keeps its number of workers
        return await self._hand_over(worker, planned, store_dir, sent)

    async def _hand_over(self, worker: _Worker, planned: Plan, store_dir: Path, sent: float) -> tuple[str, str, bytes | str]:
        """Move a query that ran past the budget, worker and all, to the long lane; stop it when that lane is full."""
        self._remember(planned)
        slot = self._long.take()
        if not slot:
            self._kill(worker)
            raise LongLaneBusy(self._long_busy())
        if slot[0] is not None:
            self._kill(slot[0])  # the lane's idle worker gives way to the one handed over
        _yield_cpu(worker)
        return await self._in_long_lane(worker, planned, store_dir, sent)

    async def _run_long(self, planned: Plan, store_dir: Path) -> tuple[str, str, bytes | str]:
        # Only briefly: a client repeating a runaway query is told at once rather than kept waiting on it.
        got = await self._long.get(self.budget)
        if not got:
            raise LongLaneBusy(self._long_busy())
        return await self._in_long_lane(got[0], planned, store_dir, None)

    async def _in_long_lane(self, entry: _Worker | None, planned: Plan, store_dir: Path,
                            sent: float | None) -> tuple[str, str, bytes | str]:
        """Run a query in a slot of the long lane (or finish it there, when it was sent already) up to the time limit."""
        worker, kept = entry, False
        try:
            worker = worker or self._start(store_dir, long=True)
            if sent is None:
                await self._ready(worker, store_dir)
                worker.connection.send((str(store_dir), planned))
                sent = time.monotonic()
            if not await self._answered(worker, sent + self.timeout - time.monotonic()):
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
            answer: tuple[str, str, bytes | str] = worker.connection.recv()
            kept = True
        except (EOFError, OSError):
            raise QueryError("the query could not be completed") from None
        finally:
            if worker is not None and not kept:
                self._kill(worker)  # stopped, failed or given up: its answer must not reach another query
            self._long.put(worker if kept else None)
        if time.monotonic() - sent <= self.budget:
            self._outran.pop(planned, None)  # it was slow only once (a store opening, a busy machine)
        return answer

    def _remember(self, planned: Plan) -> None:
        self._outran[planned] = None
        self._outran.move_to_end(planned)
        while len(self._outran) > REMEMBERED:
            self._outran.popitem(last=False)

    def _long_busy(self) -> str:
        return (f"the long-query lane is busy (this query runs longer than {self.budget:g} s); "
                "try again later, or narrow the query")

    def close(self) -> None:
        """Stop every worker."""
        for worker in list(self._live):
            self._kill(worker)


def _yield_cpu(worker: _Worker) -> None:
    """Lower a long-lane worker's CPU priority, so that short queries are answered first on a busy machine."""
    try:
        os.setpriority(os.PRIO_PROCESS, worker.process.pid or 0, LONG_NICENESS)
    except OSError:  # the process ended meanwhile: there is nothing to lower
        pass
