"""The one way casegraph starts a child process: spawned, optionally niced, and its exit code read when waited for.

Every child is spawned, never forked: the parent holds open stores (and the service its threads),
which a forked child would copy in whatever state they were in. Niceness is added to the parent's,
so that the requests the service answers come before the work of a lower-priority child.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

CONTEXT = multiprocessing.get_context("spawn")
BACKGROUND = 10  # niceness added to work that may wait for the requests being answered: index files, long queries


def start(target: Callable[..., None], *args: object, name: str | None = None, niceness: int = 0) -> BaseProcess:
    """A daemon process running `target(*args)`, started, at `niceness` below this process's priority.

    A daemon, so that a service exiting does not wait for it.
    """
    process = CONTEXT.Process(target=_niced, args=(niceness, target, *args), name=name, daemon=True)
    process.start()
    return process


def run_apart(name: str, target: Callable[..., None], *args: object, niceness: int = BACKGROUND) -> int | None:
    """Run `target(*args)` in a process of its own and wait for it; its exit code (0 when it returned)."""
    process = start(target, *args, name=f"casegraph-{name}", niceness=niceness)
    process.join()
    return process.exitcode


def pipe() -> tuple[Connection, Connection]:
    """Two ends of a duplex pipe to a child started here."""
    return CONTEXT.Pipe()


def lower_priority(process: BaseProcess, niceness: int = BACKGROUND) -> None:
    """Move a running child to `niceness` below this process's priority; nothing if it has ended."""
    if process.pid is None:  # never started: 0 would name this process
        return
    try:
        os.setpriority(os.PRIO_PROCESS, process.pid, os.getpriority(os.PRIO_PROCESS, 0) + niceness)
    except OSError:  # the process ended meanwhile: there is nothing to lower
        pass


def pool(workers: int = 1, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool of spawned processes that end with this one; given an initializer, started at once (running it) rather
    than at the first task."""
    executor = ProcessPoolExecutor(workers, mp_context=CONTEXT, initializer=_bound_to_parent, initargs=(initializer,))
    if initializer is not None:
        executor.submit(initializer)
    return executor


def _bound_to_parent(initializer: Callable[[], None] | None) -> None:
    """Start a pool's process: it ends when its parent does; then the initializer runs.

    A pool's process waits for tasks on a queue whose writing end it holds too, so a parent killed
    outright (SIGKILL, the kernel's out-of-memory killer) left it waiting for ever.
    """
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), name="end-with-parent", daemon=True).start()
    if initializer is not None:
        initializer()


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _niced(niceness: int, target: Callable[..., None], *args: object) -> None:
    if niceness:
        os.nice(niceness)
    target(*args)
