"""The pool of query worker processes, in two lanes, so that a query running past its time limit is really stopped.

pyoxigraph cannot cancel a running query, and a thread cannot be killed; a process can. A worker
(graph/query/worker_loop.py) that overruns is killed and replaced.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from graph import processes
from graph.errors import CasegraphError, QueryError
from graph.query.confine import ConfinementError
from graph.query.idle import IdleStack
from graph.query.plans import Plan
from graph.query.worker_loop import QueryAnswer, Reply, TooManyResults, decode, serve

__all__ = ["Busy", "LongLaneBusy", "QueryAnswer", "QueryTimeout", "QueryWorkers", "TooManyResults", "TooMuchMemory"]

log = logging.getLogger(__name__)

STARTUP = 60.0  # seconds a worker may take to start (import, confine) before the service gives up on it
MEMORY_POLL = 0.025  # seconds between looks at a busy worker's memory: under 10 MB of growth at the rates measured

WARM_UP = Plan("ASK {}")  # a new worker's first query: it starts and opens the store before a real one
REMEMBERED = 256  # queries that ran past the short budget, reusable to send straight to the long lane


class QueryTimeout(CasegraphError):
    """A query ran longer than the time limit and was stopped."""


class Busy(CasegraphError):
    """Every worker stayed busy for the whole time limit."""


class LongLaneBusy(Busy):
    """A query ran past the short budget while the long-query lane was full."""


class TooMuchMemory(CasegraphError):
    """A query took more memory than the bound and was stopped."""


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


class QueryWorkers:
    """Query processes in two lanes, with a time limit, a memory bound (MB) and a cap on rows per query.

    Every query starts in the short lane. One that runs past the short budget moves to the small
    long lane: its worker is handed over as it is, running on to the time limit, and the short
    lane starts another; when the long lane is full, the query is stopped instead. Runaway queries
    thus never hold the workers that short ones need. A query that ran past the budget is
    remembered, and sent straight to the long lane the next time, so that clients repeating it
    do not make the short lane stop and start workers over and over. The pool is made only once
    every worker has said it is confined (graph/query/confine.py); else ConfinementError.
    """

    def __init__(self, base: str, size: int, timeout: float, max_rows: int, idle_check: float = 10.0, *,
                 budget: float = 0.5, long_size: int = 1, store_dir: Path | None = None, memory: int = 1024) -> None:
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
        self._short: IdleStack[_Worker] = IdleStack(started)
        # A free slot of the long lane holds the worker that last ran in it, or None: its worker was stopped.
        self._long: IdleStack[_Worker | None] = IdleStack([None] * long_size)
        self._outran: OrderedDict[Plan, None] = OrderedDict()

    def _start(self, store_dir: Path | None, long: bool = False) -> _Worker:
        """A new worker; given a store, it is sent a warm-up query at once, so that it starts while waiting to be used."""
        parent, child = processes.pipe()
        # A long-lane worker yields the CPU to the short lane's.
        process = processes.start(serve, child, self._base, self.max_rows, self.idle_check, self.memory,
                                  niceness=processes.BACKGROUND if long else 0)
        child.close()
        worker = _Worker(process, parent)
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
                return decode(*await self._run_long(planned, store_dir))
            return decode(*await self._run_short(planned, store_dir))
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

    async def _run_short(self, planned: Plan, store_dir: Path) -> Reply:
        got = await self._short.get(self.timeout)
        if not got:
            raise Busy(f"every query worker stayed busy for {self.timeout:g} s; try again shortly")
        worker = got[0]
        if planned in self._outran:  # it ran past the budget in another request while this one waited
            self._short.put(worker)
            return await self._run_long(planned, store_dir)
        reusable, outran = False, False
        try:
            await self._ready(worker, store_dir)
            worker.connection.send((str(store_dir), planned))
            sent = time.monotonic()
            if await self._answered(worker, self.budget):
                answer: Reply = worker.connection.recv()
                reusable = True
                return answer
            outran = True
        except (EOFError, OSError):
            raise QueryError("the query could not be completed") from None
        finally:
            if reusable:
                self._short.put(worker)
            else:
                if not outran:
                    self._kill(worker)  # else a cancelled query's answer would be read as the next query's
                self._short.put(self._start(store_dir), top=False)  # the short lane keeps its number of workers
        return await self._hand_over(worker, planned, store_dir, sent)

    async def _hand_over(self, worker: _Worker, planned: Plan, store_dir: Path, sent: float) -> Reply:
        """Move a query that ran past the budget, worker and all, to the long lane; stop it when that lane is full."""
        self._remember(planned)
        slot = self._long.take()
        if not slot:
            self._kill(worker)
            raise LongLaneBusy(self._long_busy())
        if slot[0] is not None:
            self._kill(slot[0])  # the lane's idle worker gives way to the one handed over
        processes.lower_priority(worker.process)  # a long-lane worker yields the CPU to the short lane's
        return await self._in_long_lane(worker, planned, store_dir, sent)

    async def _run_long(self, planned: Plan, store_dir: Path) -> Reply:
        # Only briefly: a client repeating a runaway query is told at once rather than reusable waiting on it.
        got = await self._long.get(self.budget)
        if not got:
            raise LongLaneBusy(self._long_busy())
        return await self._in_long_lane(got[0], planned, store_dir, None)

    async def _in_long_lane(self, entry: _Worker | None, planned: Plan, store_dir: Path,
                            sent: float | None) -> Reply:
        """Run a query in a slot of the long lane (or finish it there, when it was sent already) up to the time limit."""
        worker, reusable = entry, False
        try:
            worker = worker or self._start(store_dir, long=True)
            if sent is None:
                await self._ready(worker, store_dir)
                worker.connection.send((str(store_dir), planned))
                sent = time.monotonic()
            if not await self._answered(worker, sent + self.timeout - time.monotonic()):
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
            answer: Reply = worker.connection.recv()
            reusable = True
        except (EOFError, OSError):
            raise QueryError("the query could not be completed") from None
        finally:
            if worker is not None and not reusable:
                self._kill(worker)  # stopped, failed or given up: its answer must not reach another query
            self._long.put(worker if reusable else None)
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

