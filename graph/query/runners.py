"""What runs the service's queries: the confined worker pool for the embedded store, or the remote store itself."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from graph.query.direct import DirectQueries
from graph.query.plans import Plan
from graph.query.worker_loop import QueryAnswer
from graph.query.workers import QueryWorkers
from graph.settings import Settings
from graph.store.opening import remote_named


class QueryRunner(Protocol):
    """Runs planned queries on the store a directory holds or names."""

    async def run(self, planned: Plan, store_dir: Path) -> QueryAnswer:
        """The answer to a planned query."""
        ...

    def close(self) -> None:
        """Stop running queries, and let go of what that took."""
        ...


def runner_for(store_dir: Path, settings: Settings) -> QueryRunner:
    """Worker processes for an embedded store, started at once; a remote dataset's queries go straight to it."""
    if remote_named(store_dir) is not None:
        return DirectQueries(settings.base, settings.query_timeout, settings.max_rows)
    return QueryWorkers(settings.base, settings.query_workers, settings.query_timeout, settings.max_rows,
                        budget=settings.query_budget, long_size=settings.long_query_workers, store_dir=store_dir,
                        memory=settings.query_memory)
