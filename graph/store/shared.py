"""What several casegraph front-ends on one remote store share through it: a lock, a change log and the build record.

The store holds them in a graph of its own (graph.namespaces.changes_graph), which casegraph leaves
out of its pages, dumps and counts (a reader's SPARQL query over every graph sees it):

- the lock: the time a hold lapses and who holds it, so that a front-end that died holding it stops
  holding it. A front-end holds it while it writes a source file and revises the store, so that
  two writers, on any front-ends, take turns;
- the change log: each revision numbered, dated and naming the records it touched (kept for the
  last KEPT changes). Front-ends poll the newest number and reread what the changes touched;
- the dataset's build record, which every front-end copies, so that they agree on ETags and dates.

A revision is one SPARQL Update request, which the store runs as one transaction: the source's
graphs and catalog entry out, the new ones in, the merged graph mended, the record and the log
written. Every term in it is written by pyoxigraph; nothing of a request is pasted in as text.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyoxigraph as ox

from graph.errors import CasegraphError
from graph.namespaces import changes_graph
from graph.store.remote import RemoteStore, RemoteStoreError
from graph.store.seam import Revision
from graph.store.updates import by_graph, changing

DCTERMS = "http://purl.org/dc/terms/"
NUMBER, WHEN, TOUCHES = (ox.NamedNode(f"{DCTERMS}{name}") for name in ("identifier", "created", "references"))
RECORD, HOLDER = (ox.NamedNode(f"{DCTERMS}{name}") for name in ("description", "creator"))
DATE_TIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
REBUILT = ox.Literal("rebuilt")  # a change's description when a build replaced everything: followers reread it all
KEPT = 1000  # changes kept in the log; a front-end further behind rereads everything
LEASE = timedelta(seconds=120)  # a hold lapses this long after the longest wait for it, unless released first
WAIT = 60.0  # seconds a writer waits for the lock before giving up
TRIES = 5  # times an update of the lock, the log or a revision is sent before its failure is the caller's


class StoreBusy(CasegraphError):
    """Another front-end held the store's lock for longer than a writer waits."""


@dataclass(frozen=True)
class Changes:
    """The changes after a number: the newest number, and the records they touched (None: reread everything)."""

    newest: int
    touched: frozenset[str] | None


class SharedState:
    """The lock, the change log and the build record a remote dataset holds for the front-ends on it."""

    def __init__(self, store: RemoteStore) -> None:
        self.store = store
        self.graph = ox.NamedNode(changes_graph(store.base))
        self.lock_node = ox.NamedNode(f"{self.graph.value}#lock")

    def _update(self, text: str) -> None:
        """Run an update of this module's own, again if the store failed it: each is idempotent (run twice, it leaves
        what it left once), and a store under contention may refuse one rather than wait (Virtuoso's deadlock errors)."""
        for attempt in range(1, TRIES + 1):
            try:
                self.store.update(text)
                return
            except RemoteStoreError:
                if attempt == TRIES:
                    raise
                time.sleep(random.uniform(0.05, 0.3) * attempt)  # noqa: S311 - a back-off, not a secret

    def newest(self) -> int:
        """The number of the newest change, 0 before any."""
        rows = self.store.graph_rows("SELECT (MAX(?n) AS ?last)", "?change ?number ?n", {"number": NUMBER}, self.graph)
        last = rows[0]["last"] if rows and rows[0]["last"] is not None else None
        return int(last.value) if isinstance(last, ox.Literal) else 0

    def since(self, number: int) -> Changes:
        """The changes after `number`: what they touched, or None when one rebuilt everything or the log no longer reaches."""
        # A plain join: every change states its number, so each has a row. OPTIONAL made the Oxigraph server read every
        # graph for its right side (8.5 s a look at 10,000 cases, against 0.02 s).
        rows = self.store.graph_rows("SELECT ?n ?about ?said", "?change ?number ?n ; ?about ?said", {"number": NUMBER},
                                     self.graph)
        numbers = {int(row["n"].value) for row in rows}
        newest = max(numbers, default=0)
        if newest > number and min(numbers) > number + 1:  # the log was pruned past what the caller has seen
            return Changes(newest, None)
        later = [row for row in rows if int(row["n"].value) > number]
        if any(row["about"] == RECORD and row["said"] == REBUILT for row in later):
            return Changes(newest, None)
        touched = {row["said"].value for row in later if row["about"] == TOUCHES and isinstance(row["said"], ox.NamedNode)}
        return Changes(newest, frozenset(touched))

    def record(self) -> dict[str, object] | None:
        """The dataset's build record as the last build or write left it, or None if none did."""
        rows = self.store.graph_rows("SELECT ?record", "?dataset ?described ?record",
                                     {"dataset": self.graph, "described": RECORD}, self.graph)
        return json.loads(rows[0]["record"].value) if rows else None

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's lock: taken when free or lapsed, waited for else, released after.

        A hold is one plain string, when it lapses and who holds it ("2026-12-06T04:30:00.000Z 5f…"), so that it
        is taken and let go as one triple, and lapsed holds are found by comparing the strings: a store keeps a
        plain string as it was written, where it may rewrite a date-time.
        """
        lapses = _when(datetime.now(UTC) + timedelta(seconds=WAIT) + LEASE).value
        holder = ox.Literal(f"{lapses} {uuid.uuid4().hex}")
        deadline = time.monotonic() + WAIT
        while not self._took(holder):
            if time.monotonic() > deadline:
                raise StoreBusy(f"another writer has held the store's lock for over {WAIT:g} s: try again later")
            time.sleep(random.uniform(0.02, 0.2))  # noqa: S311 - a back-off, not a secret
        try:
            yield
        finally:
            self._update(f"DELETE DATA {{ GRAPH {self.graph} {{ {self.lock_node} {HOLDER} {holder} }} }}")

    def _took(self, holder: ox.Literal) -> bool:
        """Take the lock if no one holds it; whether this holder alone holds it now.

        Two front-ends can both find it free and both write a hold; each then sees two holders and
        lets go of its own, so that at most one goes on.
        """
        now = ox.Literal(_when(datetime.now(UTC)).value)
        held = f"{self.lock_node} {HOLDER} ?who"
        self._update(f"DELETE {{ GRAPH {self.graph} {{ {held} }} }} WHERE {{ GRAPH {self.graph} {{ {held} }} "
                     f"FILTER(STRBEFORE(?who, \" \") < {now}) }} ;\n"
                     f"INSERT {{ GRAPH {self.graph} {{ {self.lock_node} {HOLDER} {holder} }} }} "
                     f"WHERE {{ FILTER NOT EXISTS {{ GRAPH {self.graph} {{ {self.lock_node} {HOLDER} ?anyone }} }} }}")
        rows = self.store.graph_rows("SELECT ?who", "?lock ?holder ?who", {"lock": self.lock_node, "holder": HOLDER}, self.graph)
        holders = {row["who"] for row in rows}
        if holders == {holder}:
            return True
        if holder in holders:
            self._update(f"DELETE DATA {{ GRAPH {self.graph} {{ {self.lock_node} {HOLDER} {holder} }} }}")
        return False

    def revise(self, graphs: Collection[ox.NamedNode], quads: Collection[ox.Quad],
               record: Callable[[Revision, int], dict[str, object]] | None = None) -> Revision:
        """Replace the graphs and their catalog entries by the quads, mend the merged graph, and log the change (held lock).

        `record` gives, from the revision and the change's number, the dataset's build record after it, which the
        front-ends copy.
        """
        store, catalog = self.store, self.store.catalog
        old = [quad for graph in graphs for quad in (*store.quads(graph), *store.quads_for_pattern(graph, None, None, catalog))]
        revision = Revision(removed=len(old), gone=sum(1 for graph in graphs if store.has_graph(graph)))
        _refuse_blank_nodes(quads)
        number = self.newest() + 1
        merged = store.merged
        operations = [f"DROP SILENT GRAPH {graph}" for graph in graphs]
        entries = [quad for quad in old if quad.graph_name == catalog]
        operations += changing("DELETE", by_graph(entries)) + changing("INSERT", by_graph(quads))
        # What the taken-out graphs stated leaves the merged graph unless another graph still states it, or the new
        # quads do. Found by a query first, not by FILTER NOT EXISTS in the update, which Virtuoso 7.2 at times
        # reads as true when it is not; the lock held keeps the other graphs as they are meanwhile.
        taken, not_data = set(graphs), {self.graph, *([merged] if merged else [])}
        stating = store.graphs_stating(q.triple for q in old)
        staying = {q.triple for q in quads}
        unlisted = {q.triple for q in entries}  # the catalog entries go too: the catalog states them no longer

        def still_stated(triple: ox.Triple) -> bool:
            return bool(stating.get(triple, set()) - taken - not_data - ({catalog} if triple in unlisted else set()))
        leaving = [t for t in dict.fromkeys(q.triple for q in old) if t not in staying and not still_stated(t)]
        operations += changing("DELETE", {merged: leaving}) + changing("INSERT", {merged: [q.triple for q in quads]})
        # The log names the records the change touched in this dataset alone: a restricted one never reaches the public log.
        touched = {q.subject.value for q in (*old, *quads) if isinstance(q.subject, ox.NamedNode)}
        operations += self._logged(number, touched, record(revision, number) if record else None)
        self._update(" ;\n".join(operations))
        return revision

    def rebuilt(self, record: dict[str, object]) -> None:
        """Log that a build replaced everything (held lock): front-ends reread it all."""
        self._update(" ;\n".join(self._logged(self.newest() + 1, (), record, rebuilt=True)))

    def _logged(self, number: int, touched: Iterable[str], record: dict[str, object] | None,
                rebuilt: bool = False) -> list[str]:
        change = ox.NamedNode(f"{self.graph.value}#change-{number}")
        said = [ox.Triple(change, NUMBER, ox.Literal(str(number), datatype=INTEGER)),
                ox.Triple(change, WHEN, ox.Literal(_when(datetime.now(UTC)).value, datatype=DATE_TIME)),
                *(ox.Triple(change, TOUCHES, ox.NamedNode(iri)) for iri in sorted(set(touched)))]
        if rebuilt:
            said.append(ox.Triple(change, RECORD, REBUILT))
        operations = []
        if record is not None:
            operations.append(f"DELETE WHERE {{ GRAPH {self.graph} {{ {self.graph} {RECORD} ?record }} }}")
            said.append(ox.Triple(self.graph, RECORD, ox.Literal(json.dumps(record, sort_keys=True))))
        operations += changing("INSERT", {self.graph: said})
        # The log keeps its last KEPT changes.
        oldest = ox.Literal(str(number - KEPT), datatype=INTEGER)
        operations.append(f"DELETE {{ GRAPH {self.graph} {{ ?change ?p ?o }} }} WHERE {{ GRAPH {self.graph} "
                          f"{{ ?change {NUMBER} ?n ; ?p ?o }} FILTER(?n <= {oldest}) }}")
        return operations


def _when(moment: datetime) -> ox.Literal:
    return ox.Literal(moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"), datatype=DATE_TIME)


def _refuse_blank_nodes(quads: Iterable[ox.Quad]) -> None:
    if any(isinstance(term, ox.BlankNode) for quad in quads for term in (quad.subject, quad.object)):
        raise CasegraphError("a remote store cannot be revised with blank nodes: their labels are the store's own")

