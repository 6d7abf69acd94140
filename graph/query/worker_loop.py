"""A query worker's own side: confined, it answers planned queries with capped payloads in lossless formats.

Each worker opens the store read-only and answers one planned query at a time in a lossless format
(SPARQL TSV for solutions, JSON for booleans, N-Triples for graphs). Oxigraph writes the answer in
chunks, and the chunk that passes the row cap stops it, so a huge answer is never built in memory.
"""

from __future__ import annotations

import io
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.errors import CasegraphError, QueryError
from graph.query.confine import ConfinementError, deny_network, limit_data
from graph.query.plans import execute
from graph.store.seam import QueryResult, Store
from graph.store.store import OxigraphStore

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

GraphResult = list[ox.Triple]
QueryAnswer = ox.QuerySolutions | ox.QueryBoolean | GraphResult
Reply = tuple[str, str, bytes | str]  # (status, kind, payload), as a worker sends it


class TooManyResults(CasegraphError):
    """A query would answer with more rows (or triples) than the cap."""


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


def serve(connection: Connection, base: str, max_rows: int, idle_check: float, memory: int) -> None:
    """A worker's loop: receive a store directory and a plan, answer with (status, kind, payload).

    The worker keeps its store open between queries and opens another only when a write has made
    a new one, so a write costs no new processes. Idle, it lets go of a store that a write has since
    replaced and removed: the worker that answered last answers next, so another may sit idle for
    long, and the old store's files would stay on disk, and its caches in memory, while it is open.
    Before anything else it closes the network to itself and bounds its memory (graph/query/confine.py),
    and says so; one that cannot says why and ends, without serving.
    """
    try:
        deny_network()
        limit_data(2 * memory)  # the parent stops a query at `memory`; this holds even if it grows past unseen
    except ConfinementError as error:
        connection.send(("refused", "confine", str(error)))
        return
    connection.send(("ready", "", b""))
    opened: tuple[str, Store] | None = None
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
                opened = None  # the old store closes before the new one opens; workers serve embedded stores only
                opened = (store_dir, OxigraphStore.open(Path(store_dir), base, read_only=True))
            kind, payload = _canonical(execute(opened[1], planned), max_rows)
            connection.send(("ok", kind, payload))
        except TooManyResults as error:
            connection.send(("error", "size", str(error)))
        except CasegraphError as error:
            connection.send(("error", "query", str(error)))
        except (OSError, RuntimeError, ValueError) as error:
            connection.send(("error", "run", type(error).__name__))


def decode(status: str, kind: str, payload: bytes | str) -> QueryAnswer:
    """A worker's answer as the query's result, or the error it reported."""
    if status != "ok" and kind == "size":
        raise TooManyResults(str(payload))
    if status != "ok":
        raise QueryError(str(payload) if kind == "query" else "the query failed while running")
    if kind == "graph":
        return list(ox.parse(payload, format=ox.RdfFormat.N_TRIPLES))
    formats = {"boolean": ox.QueryResultsFormat.JSON, "results": ox.QueryResultsFormat.TSV}
    return ox.parse_query_results(payload, format=formats[kind])
