"""casegraph on a remote SPARQL store (the Oxigraph server, Virtuoso), beside the store answering alone over HTTP.

For each store: loading the collection into it, the fixed queries through casegraph and straight to the store,
point-lookup throughput through one front-end, through two, and straight to the store, and new sources written
through one front-end until the other finds them.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from measure import http_query, median, once, query_url, throughput, throughput_together, wait_until

from graph.editions.build import RemoteDatasets, build, input_files
from graph.iris import DEFAULT_BASE
from graph.namespaces import merged_graph
from stores import VIRTUOSO, SparqlServer, sparql_server

if TYPE_CHECKING:
    from run import Bench

STORES = {"oxigraph-server": "Oxigraph server", "virtuoso": "Virtuoso"}
WRITES = 5


def on_remote_stores(bench: Bench, kinds: list[str], queries: dict[str, str], new_source: Callable[[int], bytes],
                     token: str) -> None:
    """Each remote store named in turn; Virtuoso only where it is installed."""
    for kind, name in STORES.items():
        if kind not in kinds:
            continue
        if kind == "virtuoso" and VIRTUOSO is None:
            bench.record(f"on {name} (not run)", "casegraph", None, note="Virtuoso is not installed "
                         "(apt-get install virtuoso-opensource-7-bin)")
            continue
        bench.step(f"on {name}", lambda kind=kind: OnStore(bench, kind, queries, new_source, token).run())  # type: ignore[misc]


class OnStore:
    """One remote store's measurements at one size."""

    def __init__(self, bench: Bench, kind: str, queries: dict[str, str], new_source: Callable[[int], bytes],
                 token: str) -> None:
        self.bench, self.kind, self.name, self.queries = bench, kind, STORES[kind], queries
        self.new_source, self.token = new_source, token
        self.folder = bench.root / kind
        self.direct: Callable[[str], str] = partial(query_url, "")  # the store's own endpoint, once it runs

    def run(self) -> None:
        """Load, then serve through one front-end and through two."""
        memory = 4096  # Virtuoso's page cache, in MB (the tests give it 160)
        # The Oxigraph server's own time limit keeps a thread per query for the whole limit: under the throughput runs it
        # runs out of threads and exits (docs/remote-stores.md). casegraph's own limit still holds.
        timeout = 0 if self.kind == "oxigraph-server" else int(self.bench.limit)
        with sparql_server(self.kind, self.folder / "store", timeout=timeout, memory_mb=memory) as server:
            self.load(server)
            self.direct = partial(query_url, server.query, default_graphs=[merged_graph(DEFAULT_BASE)]
                                  if server.union else [])  # the dataset casegraph serves: on Virtuoso, the merge it names
            with self.front_end(server, 1, "start-up, index files made") as one:
                self.bench.step(f"queries over HTTP on {self.name}", lambda: self.over_http(one))
                one_rate, alone = self.lookups_per_second([one])
            shutil.copytree(self.front_end_folder(1), self.front_end_folder(2))
            with ExitStack() as both:
                first = both.enter_context(self.front_end(server, 1, None))
                second = both.enter_context(self.front_end(server, 2, "start-up, index files copied"))
                self.lookups_per_second([first, second], alone, one_rate)
                self.bench.step(f"writes on {self.name}", lambda: self.writes_everywhere(first, second))

    def load(self, server: SparqlServer) -> None:
        """`casegraph build` into the store: every source checked, then loaded as its named graph, with the merge."""
        dirs = [self.bench.files[0].parent]
        seconds = once(lambda: build(dirs, self.front_end_folder(1), DEFAULT_BASE, trusted=input_files(dirs),
                                     remote=RemoteDatasets(server.endpoints())))
        self.bench.record(f"load into {self.name}", "casegraph", seconds)

    def front_end_folder(self, number: int) -> Path:
        """The folder a front-end keeps its caches in (its search index, network views, dumps)."""
        return self.folder / f"front-end-{number}"

    @contextmanager
    def front_end(self, server: SparqlServer, number: int, start_up: str | None) -> Iterator[str]:
        """`casegraph serve` on the store, keeping its caches in a folder of its own."""
        with self.bench.casegraph_server(start_up and f"{start_up} on {self.name}", store=self.front_end_folder(number),
                                         environment=server.env() | {
                                             "CASEGRAPH_WRITABLE_SOURCES": str(self.folder / "written"),
                                             "CASEGRAPH_AUDIT_LOG": str(self.folder / "audit.jsonl")}) as site:
            yield site

    def over_http(self, site: str) -> None:
        """The fixed queries through casegraph's endpoint and straight to the store's."""
        with httpx.Client(timeout=self.bench.limit) as client:
            for name, text in self.queries.items():
                task = f"query {name} over HTTP on {self.name}"
                for system, url in (("casegraph", query_url(site + "/sparql", text)), (self.name, self.direct(text))):
                    try:
                        seconds, runs = median(http_query(client, url), limit=self.bench.limit)
                        self.bench.record(task, system, seconds, runs=runs)
                    except (httpx.HTTPError, RuntimeError) as error:
                        self.bench.record(task, system, None, note=str(error)[:200])

    def lookups_per_second(self, sites: list[str], alone: tuple[float, str] | None = None,
                           one: float | None = None) -> tuple[float, tuple[float, str]]:
        """Point lookups per second through the front-ends together (the clients shared out among them), beside the store
        answering alone (measured here unless given)."""
        text, connections, seconds = self.queries["point-lookup"], self.bench.connections, self.bench.seconds
        rate, failures = throughput_together([query_url(site + "/sparql", text) for site in sites], connections, seconds)
        count = "one front-end" if len(sites) == 1 else f"{len(sites)} front-ends"
        task = f"point lookups per second, {count} on {self.name}"
        extra: dict[str, object] = {"connections": connections, "seconds": seconds}
        note = failures
        if one:
            extra |= {"one front-end": one, "ratio": rate / one}
            note = f"{rate / one:.2f}× one front-end" + (f"; {failures}" if failures else "")
        self.bench.record(task, "casegraph", rate, unit="req/s", note=note, extra=extra)
        if alone is None:
            alone = throughput(self.direct(text), connections, seconds, fresh=True)
        self.bench.record(task, self.name, alone[0], unit="req/s", note=alone[1] or "")
        return rate, alone

    def writes_everywhere(self, first: str, second: str) -> None:
        """New sources written through one front-end: until it answers 201, and until the other one's search finds them."""
        written, everywhere = [], []
        with httpx.Client(timeout=self.bench.limit) as client:
            for number in range(WRITES):
                start = time.perf_counter()
                answer = client.post(first + "/sources", content=self.new_source(number), headers={
                    "Content-Type": "text/turtle", "Authorization": f"Bearer {self.token}"})
                if answer.status_code != 201:
                    raise RuntimeError(f"writing a source failed: {answer.status_code} {answer.text[:500]}")
                written.append(time.perf_counter() - start)
                person, label = f"person/bench-write-{number}", f"Benchmark person {number}"

                def found(person: str = person, label: str = label) -> bool:
                    return person in client.get(second + "/search", params={"q": label, "format": "json"}).text

                if not wait_until(found, limit=60, every=0.01):
                    raise RuntimeError(f"the other front-end's search did not find {person} within 60 s")
                everywhere.append(time.perf_counter() - start)
        middle = len(written) // 2
        self.bench.record(f"one new source live on {self.name}", "casegraph", sorted(written)[middle], runs=WRITES,
                          note="answered 201 by the front-end written to")
        self.bench.record(f"one new source live everywhere on {self.name}", "casegraph", sorted(everywhere)[middle],
                          runs=WRITES, note="until the other front-end's search finds it")
