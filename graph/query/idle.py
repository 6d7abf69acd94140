"""The idle workers of a lane: the one put back last is taken first, and callers waiting for one are served in turn."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class IdleStack(Generic[T]):
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
