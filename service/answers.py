"""Answers to repeated queries, kept by everything that decides them, within a memory budget.

A store never changes once served (a write serves a new one), so an answer is good for as long as
the digest of its store's content is in the key; a write that changes the content changes that
digest. Clients asking `Cache-Control: no-cache` get the query run afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from starlette.requests import Request

Answer = tuple[str, bytes]  # media type, body


class AnswerCache:
    """A least-recently-used cache of answers, bounded in bytes; answers larger than `largest` are not kept."""

    def __init__(self, budget: int = 64 * 2**20, largest: int = 2**20) -> None:
        self.budget, self.largest, self.held = budget, largest, 0
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()  # /sparql uses it on the event loop; the lock keeps it safe from any thread too

    def get(self, key: Hashable) -> Answer | None:
        """The answer kept for the key, if any."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        """Keep an answer, dropping the least recently used ones past the budget."""
        size = len(answer[1])
        if size > self.largest:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self.held += size
            while self.held > self.budget:
                _, dropped = self._answers.popitem(last=False)
                self.held -= len(dropped[1])


def wants_fresh(request: Request) -> bool:
    """Whether the client asked for an answer computed afresh (Cache-Control: no-cache or no-store)."""
    directives = {d.strip().lower() for d in request.headers.get("cache-control", "").split(",")}
    return bool(directives & {"no-cache", "no-store"})
