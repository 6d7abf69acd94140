"""Queries sent straight to a remote SPARQL store, with no worker processes: its time limit and ours, and the row cap.

The confined workers (graph/query/workers.py) exist because Oxigraph cannot stop a query running in
this process. A remote store stops its own queries at its own time limit (the Oxigraph server's
`--timeout-s`, Virtuoso's `MaxQueryExecutionTime`); casegraph gives up on its side when no answer
has come within its limit, and refuses an answer past the row cap as the workers do.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from graph.errors import UsageError
from graph.query.plans import Plan
from graph.query.worker_loop import QueryAnswer, TooManyResults
from graph.query.workers import QueryTimeout
from graph.store.opening import remote_named
from graph.store.remote import RemoteStore, decoded


class DirectQueries:
    """Runs planned queries on the remote datasets that store directories name, one HTTP request each."""

    def __init__(self, base: str, timeout: float, max_rows: int) -> None:
        self.base, self.timeout, self.max_rows = base, timeout, max_rows
        self._stores: dict[Path, RemoteStore] = {}

    async def run(self, planned: Plan, store_dir: Path) -> QueryAnswer:
        """The answer of the store the directory names; QueryTimeout past the time limit, TooManyResults past the cap."""
        if planned.bindings:
            raise UsageError("query parameters cannot be sent to a remote SPARQL store: the protocol has none; "
                             "write the values into the query")
        store = self._store(store_dir)
        asked = asyncio.to_thread(store.answer, planned.text, planned.form, planned.graphs, self.timeout, self.max_rows,
                                  planned.prologue, planned.graph_names)
        try:
            body, kind = await asyncio.wait_for(asked, self.timeout)
            return decoded(body, kind, self.max_rows, planned.form == "ASK")  # here, in the thread that will read the results
        except TimeoutError:
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped") from None
        except OverflowError:
            raise self._too_many() from None

    def _store(self, store_dir: Path) -> RemoteStore:
        store = self._stores.get(store_dir)
        if store is None:
            named = remote_named(store_dir)
            if named is None:
                raise UsageError(f"{store_dir} names no remote dataset")
            store = self._stores[store_dir] = RemoteStore(named, self.base)
        return store

    def _too_many(self) -> TooManyResults:
        return TooManyResults(f"the query answers with more than {self.max_rows} rows, the most one request may return; "
                              "add a LIMIT (and OFFSET to page), or download the whole graph from /dumps")

    def close(self) -> None:
        """Close the connections to the stores."""
        for store in self._stores.values():
            store.close()
