"""casegraph's benchmark (`make bench`): casegraph and its baselines on the same synthetic data, in one run.

For each size: a synthetic collection (`casegraph synth`), then building, whole-graph validation,
the fixed SPARQL queries of queries/bench/ in process and over HTTP, point-lookup throughput,
the dumps, the index files, one new source made live, ego networks, the serving process's peak memory,
and start-up, first and with the index files kept; beside casegraph, bare pyoxigraph, the Oxigraph
server, rdflib's memory Dataset and rdflib-endpoint.
Writes bench.json (every measurement) and bench.md (the table) to the output directory.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import before
import httpx
import pyoxigraph as ox
from measure import (
    SPARQL_JSON,
    Result,
    http_query,
    latencies,
    looping,
    median,
    once,
    peak_memory_mb,
    percentile,
    query_url,
    stop,
    throughput,
    wait_for,
    wait_until,
)
from remote import STORES, on_remote_stores
from report import in_docs, kept, read, table

from graph.editions.build import build, input_files
from graph.editions.index import index_record
from graph.ingest import synth
from graph.ingest.synth import write_synthetic
from graph.iris import DEFAULT_BASE
from graph.namespaces import PREFIXES
from graph.paths import queries_dir
from graph.publish.dumps import DUMP_FORMATS
from graph.publish.export import FORMATS, export
from graph.query.sparql import read_query
from graph.search.textindex import SearchIndex
from graph.store.opening import open_store
from stores import free_port

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
BIN = Path(sys.executable).parent
TOKEN = "bench-writer-token"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # counts a cross product: one row, at the time limit
RUNAWAY_CLIENTS, LOOKUPS = 4, 300


SEARCHES = ("synthetic person 42-", "person 4", "Ilham Tohti", "伊力哈木·土赫提")
# The pages that read the whole graph, then a page of a list of sources (the synthetic sources are part of no collection).
PAGES = ("/", "/stats", "/.well-known/void", "/search?q=synthetic+person+42-", "/sources?collection=none&page=2")


def queries() -> dict[str, str]:
    """The benchmark's queries, each with the base stated so that every engine resolves it alike."""
    return {path.stem: f"BASE <{DEFAULT_BASE}>\n" + path.read_text(encoding="utf-8")
            for path in sorted((queries_dir() / "bench").glob("*.rq"))}


def synthetic(root: Path, cases: int, seed: int) -> list[Path]:
    """The synthetic collection of this size, written once and reused while its recipe is unchanged."""
    directory, stamp = root / f"data-{cases}", root / f"data-{cases}.json"
    recipe = {"cases": cases, "seed": seed, "synth": Path(synth.__file__ or "").read_text()}
    if not (stamp.is_file() and json.loads(stamp.read_text()) == recipe):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        write_synthetic(directory, cases, seed, DEFAULT_BASE)
        stamp.write_text(json.dumps(recipe))
    return sorted(directory.glob("*.trig"))


class Bench:
    """One size's run: its data, its scratch directory and the measurements gathered."""

    def __init__(self, root: Path, cases: int, files: list[Path], args: argparse.Namespace) -> None:
        self.root, self.cases, self.files, self.limit = root / f"run-{cases}", cases, files, args.limit
        self.connections, self.seconds, self.rdflib_max = args.connections, args.seconds, args.rdflib_max
        self.skip, self.stores = set(args.skip), args.stores
        self.before: Path | None = args.before_command
        self.results: list[Result] = []
        self.skipped: list[str] = []
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)

    def record(self, task: str, system: str, value: float | None, **details: object) -> None:
        """Keep one measurement and say it on the console."""
        result = Result(self.cases, task, system, value, **details)  # type: ignore[arg-type]
        self.results.append(result)
        shown = "over the limit" if value is None else f"{value:.4g} {result.unit}"
        print(f"  {self.cases:>7} {task:<28} {system:<16} {shown}", flush=True)

    def run(self) -> list[Result]:
        """Every measurement at this size."""
        print(f"{self.cases} cases: {len(self.files)} files", flush=True)
        if "build" not in self.skip:
            self.step("build", self.build)
        if "validation" not in self.skip:
            self.step("whole-graph validation", self.validation)
        for name, action in (("queries in process", self.in_process), ("search", self.search), ("dumps", self.dumps),
                             ("Oxigraph server", self.oxigraph)):
            if name.split()[0].lower() not in self.skip:
                self.step(name, action)
        if self.cases <= self.rdflib_max and "rdflib" not in self.skip:
            self.step("rdflib", self.rdflib)
        elif "rdflib" not in self.skip:
            self.record("not run", "baselines", None, note=f"rdflib and rdflib-endpoint are not run above {self.rdflib_max:,} "
                        "cases (--rdflib-max): rdflib's memory Dataset would need more memory than this machine has")
        if "casegraph" not in self.skip:
            self.step("casegraph server", self.casegraph)
        if "remote" not in self.skip:
            on_remote_stores(self, self.stores, queries(), _new_source, TOKEN)
        return self.results

    def step(self, name: str, action: Callable[[], None]) -> None:
        """Run one step; a failure is recorded with what went wrong, and the run goes on."""
        try:
            action()
        except Exception as error:  # the table must say what could not be measured, and why
            self.record(f"{name} (failed)", "casegraph", None, note=f"{type(error).__name__}: {str(error)[:300]}")

    def oxigraph(self) -> None:
        with self.oxigraph_server() as endpoint:
            self.over_http("Oxigraph server", endpoint)
            self.oxigraph_memory()

    def casegraph(self) -> None:
        """The service's first start (it makes the index files), then a restart that finds them."""
        with self.casegraph_server("service start-up") as site:
            self.index_files()
            self.step("queries over HTTP", lambda: self.over_http("casegraph", site + "/sparql"))
            self.step("query check", self.query_check)
            self.serving("casegraph", site)
            self.step("pages", lambda: self.pages(site))
            self.step("point lookups under runaway queries", lambda: self.under_runaways(site))
            self.record("serving peak memory", "casegraph", peak_memory_mb(self.server_pid), unit="MB")
        with self.casegraph_server("service start-up, one query worker", workers=1) as site:
            self.step("one query worker", lambda: self.asked_again(site))
            self.record("serving peak memory, one query worker", "casegraph", peak_memory_mb(self.server_pid), unit="MB",
                        note="CASEGRAPH_QUERY_WORKERS=1; the fixed queries, ego networks and pages")
        with self.casegraph_server("service start-up, index files kept") as site:
            self.step("writes", lambda: self.write_live(site))
        with self.casegraph_server(None) as site:  # afresh: no network rebuild left running by the writes above
            self.step("point lookups during a large write", lambda: self.lookups_during_writes(site))
        if self.before:
            self.step("before", self.measure_before)

    def serving(self, system: str, site: str) -> None:
        """What the serving targets measure: ego networks, searches over HTTP, the peak memory so far."""
        self.step("ego networks", lambda: self.ego(site, system))
        self.step("searches over HTTP", lambda: self.searches(site, system))

    def measure_before(self) -> None:
        """The earlier revision on a copy of this store, as this checkout is measured: its first start with the serving
        targets and memory, then a restart that finds its index files."""
        store = before.copy_store(self.root / "store", self.root / "before-store")
        with self.casegraph_server("service start-up", system=before.SYSTEM, store=store) as site:
            self.serving(before.SYSTEM, site)
            self.record("serving peak memory", before.SYSTEM, peak_memory_mb(self.server_pid), unit="MB")
        with self.casegraph_server("service start-up, index files kept", system=before.SYSTEM, store=store):
            pass

    def query_check(self) -> None:
        """What reading a query before it runs costs per point lookup, kept and afresh, beside a whole point lookup over HTTP."""
        lookup = next(r for r in self.results if r.task == "query point-lookup over HTTP" and r.system == "casegraph")
        if lookup.value is None:
            raise RuntimeError("the point lookup over HTTP was not measured")
        text, batch = queries()["point-lookup"], 1000
        counter = iter(range(10**9))

        def afresh() -> None:
            for _ in range(20):  # a comment makes each text new to the cache; reading it costs the same
                read_query(f"{text}\n# {next(counter)}", DEFAULT_BASE)

        def kept() -> None:
            for _ in range(batch):
                read_query(text, DEFAULT_BASE)

        for task, action, runs in (("query check, read afresh", afresh, 20), ("query check, reading kept", kept, batch)):
            seconds, repeats = median(action)
            assert seconds is not None
            share = seconds / runs / lookup.value
            self.record(task, "casegraph", seconds / runs, runs=repeats * runs,
                        note=f"{share:.2g}× a point lookup over HTTP ({lookup.value * 1000:.2f} ms, measured beside it)",
                        extra={"point lookup over HTTP": lookup.value, "share": share})

    def under_runaways(self, site: str) -> None:
        """Point-lookup latency over HTTP while four clients loop on a runaway query, beside the same without them."""
        endpoint = site + "/sparql"
        lookup = query_url(endpoint, queries()["point-lookup"])
        latencies(lookup, LOOKUPS)  # unrecorded: the workers and their stores warmed up alike for both runs
        quiet, _ = latencies(lookup, LOOKUPS)
        with looping(query_url(endpoint, RUNAWAY), RUNAWAY_CLIENTS):
            loaded, refused = latencies(lookup, LOOKUPS)
        for name, share in (("median", 0.5), ("p99", 0.99)):
            alone, busy = percentile(quiet, share), percentile(loaded, share)
            self.record(f"point lookup {name}", "casegraph", alone, runs=LOOKUPS, note="one at a time, nothing else running")
            self.record(f"point lookup {name}, {RUNAWAY_CLIENTS} clients on runaway queries", "casegraph", busy, runs=LOOKUPS,
                        note=f"{busy / alone:.1f}× the time without them; {refused} of {LOOKUPS} refused",
                        extra={"without": alone, "ratio": busy / alone, "refused": refused})

    def asked_again(self, site: str) -> None:
        """The fixed queries (three times each, afresh), the ego networks and the pages, unrecorded: for the memory they take."""
        with httpx.Client(timeout=max(self.limit, 600)) as client:
            for text in queries().values():
                for _ in range(3):
                    http_query(client, query_url(site + "/sparql", text))()
            for view in ("people", "all"):
                ego = {"node": "person/synth-42-0", "depth": "2", "view": view}
                client.get(site + "/graph/ego", params=ego).raise_for_status()
            for path in PAGES:
                client.get(site + path).raise_for_status()

    def index_files(self) -> None:
        """What making the index files cost the process of their own that the first start ran."""
        record = index_record(self.root / "store")
        if record is None:
            raise RuntimeError("the service started without making index files for its store")
        self.record("index files made", "casegraph", record.seconds, note="in a process of their own, at the first start")
        self.record("index files made, peak memory", "casegraph", record.peak_mb, unit="MB")

    def build(self) -> None:
        """casegraph's build (layouts checked; SHACL is its own step below) beside pyoxigraph's bulk load."""
        bare = self.root / "bare"

        def bulk_load() -> None:
            store = ox.Store(str(bare))
            for path in self.files:
                store.bulk_load(path=path, format=ox.RdfFormat.TRIG, base_iri=DEFAULT_BASE)
            store.flush()

        self.record("build", "pyoxigraph", once(bulk_load))
        shutil.rmtree(bare)
        dirs = [self.files[0].parent]
        self.record("build", "casegraph", once(lambda: build(dirs, self.root / "store", DEFAULT_BASE,
                                                               trusted=input_files(dirs))))

    def validation(self) -> None:
        """`casegraph validate` on every file, as a documenter runs it; beside it, the same with pyshacl (on rdflib)."""
        self.validate("casegraph", "compiled")
        if self.cases <= self.rdflib_max:
            self.validate("rdflib", "pyshacl")

    def validate(self, system: str, engine: str) -> None:
        command = [str(BIN / "casegraph"), "validate", "--engine", engine, *map(str, self.files)]
        start = time.perf_counter()
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=self.limit)
            self.record("whole-graph validation", system, time.perf_counter() - start)
        except subprocess.TimeoutExpired:
            self.record("whole-graph validation", system, None, limit=self.limit)

    def in_process(self) -> None:
        """The fixed queries on casegraph's store, in process."""
        store = open_store(self.root / "store", DEFAULT_BASE, read_only=True)
        for name, text in queries().items():
            seconds, runs = median(lambda text=text: list(store.query(text)), limit=self.limit)  # type: ignore[misc]
            self.record(f"query {name}", "casegraph", seconds, runs=runs)

    def search(self) -> None:
        """The search index with the name keys beside the folded labels alone: its making and its searches."""
        store = open_store(self.root / "store", DEFAULT_BASE, read_only=True)
        made: dict[bool, SearchIndex] = {}
        for names in (False, True):
            system = "casegraph" if names else "folded labels"
            self.record("search index made", system, once(lambda names=names: made.update({names: SearchIndex(store, names)})))
        for text in SEARCHES:
            plain, _ = median(lambda text=text: made[False].search(text))  # type: ignore[misc]
            keyed, runs = median(lambda text=text: made[True].search(text))  # type: ignore[misc]
            assert plain is not None and keyed is not None
            self.record(f"search {text!r}", "folded labels", plain, runs=runs)
            self.record(f"search {text!r}", "casegraph", keyed, runs=runs, note=f"{keyed / plain:.2f}× the folded labels alone",
                        extra={"folded labels": plain, "ratio": keyed / plain})

    def dumps(self) -> None:
        """Each whole-dataset dump casegraph serves, beside the engine writing the same format itself."""
        store = open_store(self.root / "store", DEFAULT_BASE, read_only=True)
        engine = ox.Store.read_only(str(self.root / "store"))  # the baseline: pyoxigraph alone, not behind the store seam
        for name in DUMP_FORMATS:
            fmt = FORMATS[name]
            ours = once(lambda fmt=fmt: export(store, fmt, io.BytesIO()), self.limit)  # type: ignore[misc]
            bare = once(lambda fmt=fmt: _bare_dump(engine, fmt.rdf_format), self.limit)  # type: ignore[misc]
            self.record(f"dump {name}", "casegraph", ours)
            self.record(f"dump {name}", "pyoxigraph", bare)

    @contextmanager
    def oxigraph_server(self) -> Iterator[str]:
        """The Oxigraph server (the `oxigraph` package), loaded with the same files, union default graph."""
        location, port = self.root / "oxigraph", free_port()
        load = [str(BIN / "oxigraph"), "load", "--location", str(location), "--base", DEFAULT_BASE,
                "--file", *map(str, self.files)]
        self.record("build", "Oxigraph server", once(lambda: subprocess.run(load, check=True, capture_output=True)))
        server = subprocess.Popen([str(BIN / "oxigraph"), "serve-read-only", "--location", str(location),
                                   "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_for(f"http://127.0.0.1:{port}/", server, 120)
            self.oxigraph_pid = server.pid
            yield f"http://127.0.0.1:{port}/query"
        finally:
            stop(server)
            shutil.rmtree(location, ignore_errors=True)

    def oxigraph_memory(self) -> None:
        self.record("serving peak memory", "Oxigraph server", peak_memory_mb(self.oxigraph_pid), unit="MB")

    def over_http(self, system: str, endpoint: str) -> None:
        """The fixed queries over the SPARQL protocol, then point-lookup throughput with concurrent clients."""
        with httpx.Client(timeout=self.limit) as client:
            for name, text in queries().items():
                try:
                    seconds, runs = median(http_query(client, query_url(endpoint, text)), limit=self.limit)
                    self.record(f"query {name} over HTTP", system, seconds, runs=runs)
                except (httpx.HTTPError, RuntimeError) as error:
                    self.record(f"query {name} over HTTP", system, None, note=str(error)[:200])
        url = query_url(endpoint, queries()["point-lookup"])
        for task, fresh in (("point lookups per second", True), ("point lookups per second, repeated answers kept", False)):
            if fresh or system == "casegraph":  # only casegraph keeps answers; for the others both runs are the same
                rate, failures = throughput(url, self.connections, self.seconds, fresh)
                self.record(task, system, rate, unit="req/s", note=failures,
                            extra={"connections": self.connections, "seconds": self.seconds})

    def rdflib(self) -> None:
        """rdflib's memory Dataset and rdflib-endpoint, one load in a process of their own."""
        port, results = free_port(), self.root / "rdflib.json"
        command = [PYTHON, str(HERE / "rdflib_side.py"), "--base", DEFAULT_BASE, "--queries", json.dumps(queries()),
                   "--port", str(port), "--results", str(results), "--limit", str(self.limit), *map(str, self.files)]
        child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=HERE, start_new_session=True)
        try:
            assert child.stdout and child.stdin
            if child.stdout.readline().strip() != b"READY":
                raise RuntimeError("the rdflib baseline did not start; run tests/bench/rdflib_side.py by hand to see why")
            self.over_http("rdflib-endpoint", f"http://127.0.0.1:{port}/")
            child.stdin.write(b"done\n" if "dumps" in self.skip else b"dumps\n")  # --skip dumps skips rdflib's too
            child.stdin.flush()
            child.wait()
        finally:
            stop(child)
        found = json.loads(results.read_text())
        self.record("build", "rdflib", found["build"])
        for name, (seconds, runs) in found["queries"].items():
            self.record(f"query {name}", "rdflib", seconds, runs=runs, limit=self.limit)
        for name, seconds in found["dumps"].items():
            self.record(f"dump {name}", "rdflib", seconds, limit=self.limit)
        self.record("serving peak memory", "rdflib-endpoint", found["serving_peak_mb"], unit="MB")

    @contextmanager
    def casegraph_server(self, start_up: str | None, workers: int | None = None, system: str = "casegraph",
                         store: Path | None = None, environment: dict[str, str] | None = None) -> Iterator[str]:
        """`casegraph serve` on the built store (or a remote one named in `environment`), as `make serve` runs it, with a
        writer token for the write step."""
        port = free_port()
        environment = os.environ | {
            "CASEGRAPH_STORE": str(store or self.root / "store"), "CASEGRAPH_SOURCES": str(self.files[0].parent),
            "CASEGRAPH_WRITABLE_SOURCES": str(self.root / "written"), "CASEGRAPH_AUDIT_LOG": str(self.root / "audit.jsonl"),
            "CASEGRAPH_PORT": str(port), "CASEGRAPH_WRITER_TOKENS": json.dumps({"bench": TOKEN}),
            "CASEGRAPH_QUERY_TIMEOUT": str(self.limit), "CASEGRAPH_MAX_REQUEST_BYTES": str(64 * 1024 ** 2),
            **({"CASEGRAPH_QUERY_WORKERS": str(workers)} if workers else {}),
        } | (environment or {})
        log = (self.root / "serve.log").open("ab")
        command = self.before if system == before.SYSTEM else BIN / "casegraph"
        server = subprocess.Popen([str(command), "serve"], env=environment, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            site = f"http://127.0.0.1:{port}"
            ready = site + "/sparql?query=ASK%7B%7D"
            started = wait_for(ready, server, max(self.limit, 3600))
            if start_up:
                self.record(start_up, system, started)
            self.server_pid = server.pid
            yield site
        finally:
            stop(server)
            log.close()

    def searches(self, site: str, system: str) -> None:
        """Searches over HTTP as the search page asks for them, in JSON."""
        with httpx.Client(timeout=self.limit) as client:
            for text in SEARCHES:
                def get(text: str = text) -> None:
                    client.get(site + "/search", params={"q": text, "format": "json"}).raise_for_status()

                seconds, runs = median(get, limit=self.limit)
                self.record(f"search {text!r} over HTTP", system, seconds, runs=runs)

    def ego(self, site: str, system: str = "casegraph") -> None:
        """Ego networks of depth 2 over HTTP, as the explorer asks for them."""
        with httpx.Client(timeout=self.limit) as client:
            for view in ("people", "all"):
                params = {"node": "person/synth-42-0", "depth": "2", "view": view}

                def get(params: dict[str, str] = params) -> None:
                    answer = client.get(site + "/graph/ego", params=params, headers={"Accept": "application/json"})
                    answer.raise_for_status()

                try:
                    seconds, runs = median(get, limit=self.limit)
                    self.record(f"ego network depth 2 ({view})", system, seconds, runs=runs)
                except httpx.HTTPStatusError as error:
                    self.record(f"ego network depth 2 ({view})", system, None,
                                note=f"{error.response.status_code}: {error.response.text[:200]}")

    def pages(self, site: str) -> None:
        """Pages that read the whole graph: the first request computes them, later ones are served as kept."""
        with httpx.Client(timeout=max(self.limit, 600)) as client:
            for path in PAGES:
                def get(path: str = path) -> None:
                    client.get(site + path).raise_for_status()

                self.record(f"page {path}, first request", "casegraph", once(get))
                self.record(f"page {path}, again", "casegraph", once(get))

    def write_live(self, site: str) -> None:
        """POST new source documents and wait for 201 (validated, durable and served): a run of them, then
        more while the networks are being rebuilt after that run, which the service starts once writes pause."""
        with httpx.Client(timeout=max(self.limit, 600)) as client:
            self.record("one new source live", "casegraph", self.writes(client, site, range(5), 0.0), runs=5)
            rebuilding = wait_until(self.rebuilding, limit=60)  # the service starts it once writes pause for a second
            if not rebuilding:
                raise RuntimeError("no network rebuild started within 60 s of the writes")
            self.record("one new source live, during a network rebuild", "casegraph",
                        self.writes(client, site, range(5, 10), 0.3), runs=5)

    def rebuilding(self) -> bool:
        """Whether a new store's index files are being made: its index folder is there, its record not yet."""
        return any((live / "index").is_dir() and not (live / "index" / "index.json").exists()
                   for live in self.root.glob("store-live-*"))

    def writes(self, client: httpx.Client, site: str, numbers: range, pause: float) -> float:
        """The median time of writing the numbered sources, `pause` seconds apart."""
        times: list[float] = []
        for number in numbers:
            time.sleep(pause)  # the load itself: writes arriving this far apart, not a wait for anything
            start = time.perf_counter()
            answer = client.post(site + "/sources", content=_new_source(number), headers={
                "Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"})
            if answer.status_code != 201:
                raise RuntimeError(f"writing a source failed: {answer.status_code} {answer.text[:500]}")
            times.append(time.perf_counter() - start)
        return sorted(times)[len(times) // 2]


    def lookups_during_writes(self, site: str) -> None:
        """Point-lookup latency (median, p99, longest), one at a time, while a large document is written, beside the same
        just before it."""
        self.lookups_during(site, "a 100,000-triple write", _large_source(33_333, named=True), 201)
        self.lookups_during(site, "a write with 50,000 violations", _large_source(50_000, named=False), 422)

    def lookups_during(self, site: str, task: str, body: bytes, expected: int) -> None:
        url = query_url(site + "/sparql", queries()["point-lookup"])
        written, outcome = threading.Event(), list[int]()

        def write() -> None:
            try:
                outcome.append(httpx.post(site + "/sources", content=body, timeout=max(self.limit, 600), headers={
                    "Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"}).status_code)
            finally:
                written.set()

        with httpx.Client(timeout=max(self.limit, 600)) as client:
            alone = _lookups(client, url, threading.Event(), seconds=3.0)
            writer = threading.Thread(target=write)
            writer.start()
            during = _lookups(client, url, written)
            writer.join()
        if outcome != [expected] or not during:
            raise RuntimeError(f"during {task}: the write answered {outcome}, not {expected}; {len(during)} lookups answered")
        # The longest lookup is the stall a read waiting on the event loop sees; median and p99 may not show one.
        for name, pick in (("median", statistics.median), ("p99", _p99), ("longest", max)):
            ratio = pick(during) / pick(alone)
            self.record(f"point lookup {name}, during {task}", "casegraph", pick(during), runs=len(during),
                        note=f"{ratio:.2f}× the {pick(alone) * 1000:.2f} ms without a write ({len(alone)} lookups just "
                             "before)", extra={"without_write": pick(alone), "ratio": ratio})


def _lookups(client: httpx.Client, url: str, stop: threading.Event, seconds: float | None = None) -> list[float]:
    """The latency of each point lookup, asked one after another (answers not kept) until `stop` is set or time is up."""
    times: list[float] = []
    until = time.perf_counter() + seconds if seconds else float("inf")
    while not stop.is_set() and time.perf_counter() < until:
        start = time.perf_counter()
        client.get(url, headers={"Accept": SPARQL_JSON, "Cache-Control": "no-cache"}).raise_for_status()
        times.append(time.perf_counter() - start)
    return times


def _p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else times[0]


def _large_source(people: int, named: bool) -> bytes:
    """One source document citing many people: named, three triples each; unnamed, two each and one violation each."""
    base, cg, skos = DEFAULT_BASE, PREFIXES["cg"], PREFIXES["skos"]
    kind = "named" if named else "unnamed"
    source, publisher = ox.NamedNode(f"{base}source/bench-large-{kind}"), ox.NamedNode(f"{base}organisation/bench-publisher")
    a, within, label = ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(cg + "source"), ox.NamedNode(skos + "prefLabel")
    triples = [ox.Triple(source, a, ox.NamedNode(cg + "SourceDocument")),
               ox.Triple(source, label, ox.Literal("Large benchmark report", language="en")),
               ox.Triple(source, ox.NamedNode(PREFIXES["dcterms"] + "title"), ox.Literal("Large report", language="en")),
               ox.Triple(source, ox.NamedNode(PREFIXES["dcterms"] + "publisher"), publisher),
               ox.Triple(source, ox.NamedNode(cg + "sourceKind"), ox.NamedNode(cg + "source-news-release")),
               ox.Triple(source, ox.NamedNode(cg + "addressStatus"), ox.NamedNode(cg + "address-unconfirmed")),
               ox.Triple(publisher, a, ox.NamedNode(cg + "NonGovernmentalOrganisation")),
               ox.Triple(publisher, label, ox.Literal("Benchmark publisher", language="en")),
               ox.Triple(publisher, within, source)]
    for number in range(people):
        person = ox.NamedNode(f"{base}person/bench-large-{kind}-{number}")
        triples += [ox.Triple(person, a, ox.NamedNode(cg + "Person")), ox.Triple(person, within, source)]
        if named:
            triples.append(ox.Triple(person, label, ox.Literal(f"Large benchmark person {number}", language="en")))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE)


def _bare_dump(store: ox.Store, fmt: ox.RdfFormat) -> None:
    """The engine writing the format alone: its own dump for quad formats (merge included), the merged graph for triple ones."""
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD):
        store.dump(io.BytesIO(), fmt)
    else:
        store.dump(io.BytesIO(), fmt, from_graph=ox.DefaultGraph())


def _new_source(number: int) -> bytes:
    """A small source document in Turtle, written by pyoxigraph from terms (never from pasted text)."""
    base, cg, dcterms = DEFAULT_BASE, PREFIXES["cg"], PREFIXES["dcterms"]
    source, publisher = ox.NamedNode(f"{base}source/bench-write-{number}"), ox.NamedNode(f"{base}organisation/bench-publisher")
    person = ox.NamedNode(f"{base}person/bench-write-{number}")
    a, within = ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(cg + "source")
    label = ox.NamedNode(PREFIXES["skos"] + "prefLabel")
    triples = [
        ox.Triple(source, a, ox.NamedNode(cg + "SourceDocument")),
        ox.Triple(source, label, ox.Literal(f"Benchmark report {number}", language="en")),
        ox.Triple(source, ox.NamedNode(dcterms + "title"), ox.Literal(f"Benchmark report {number}", language="en")),
        ox.Triple(source, ox.NamedNode(dcterms + "publisher"), publisher),
        ox.Triple(source, ox.NamedNode(cg + "sourceKind"), ox.NamedNode(cg + "source-news-release")),
        ox.Triple(source, ox.NamedNode(cg + "addressStatus"), ox.NamedNode(cg + "address-unconfirmed")),
        ox.Triple(publisher, a, ox.NamedNode(cg + "NonGovernmentalOrganisation")),
        ox.Triple(publisher, label, ox.Literal("Benchmark publisher", language="en")),
        ox.Triple(publisher, within, source),
        ox.Triple(person, a, ox.NamedNode(cg + "Person")),
        ox.Triple(person, label, ox.Literal(f"Benchmark person {number}", language="en")),
        ox.Triple(person, within, source),
    ]
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE)


def machine() -> dict[str, str]:
    """What the run ran on."""
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cpus": str(os.cpu_count()), "cpu": cpu, "memory": f"{int(memory) / 1024 ** 2:.0f} GiB",
            "python": platform.python_version(), "pyoxigraph": ox.__version__, "system": platform.platform()}


def main() -> None:
    """Run every size, then write bench.json and bench.md and print the table."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--cases", type=int, nargs="+", default=[10_000, 100_000])
    options.add_argument("--seed", type=int, default=1)
    options.add_argument("--output", type=Path, default=Path("var/bench"))
    options.add_argument("--limit", type=float, default=600, help="seconds any one step may take before it is recorded as over")
    options.add_argument("--connections", type=int, default=8)
    options.add_argument("--seconds", type=int, default=10, help="how long each throughput run lasts")
    options.add_argument("--rdflib-max", type=int, default=20_000, help="largest size the rdflib baselines run at")
    options.add_argument("--skip", nargs="*", default=[], choices=[
        "build", "validation", "queries", "search", "dumps", "oxigraph", "rdflib", "casegraph", "remote"],
        help="steps to leave out (each takes minutes at 100,000 cases); with --docs, the rows they would measure "
             "are kept from the earlier run there, and marked as such")
    options.add_argument("--stores", nargs="*", default=list(STORES), choices=list(STORES),
                         help="the remote stores to measure casegraph on")
    options.add_argument("--before", help="a git revision of casegraph to measure beside this checkout (serving targets)")
    options.add_argument("--docs", type=Path, help="a docs folder: its bench.json and performance.md's table are replaced")
    args = options.parse_args()
    args.before_command = before.prepare(args.before, args.output) if args.before else None
    before.compile_code(HERE.parent.parent, Path(PYTHON))
    if args.before_command:
        before.compile_code(args.before_command.parents[2], args.before_command.with_name("python"))
    args.output.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    about = {"machine": machine(), "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
             "command": f"make bench CASES='{' '.join(map(str, args.cases))}'" + (f" BEFORE={args.before}" * bool(args.before)),
             "limit": args.limit,
             "connections": args.connections, "before": args.before or ""}
    for cases in args.cases:
        files = synthetic(args.output, cases, args.seed)
        results += Bench(args.output, cases, files, args).run()
        # Written after each size, so a long run that is stopped keeps what it measured.
        (args.output / "bench.json").write_text(json.dumps({"about": about, "results": [r.as_json() for r in results]}, indent=1))
        (args.output / "bench.md").write_text(table(results, about))
    if args.docs:
        if args.skip:
            results, about = kept(*read(args.docs / "bench.json"), results, about)
        (args.docs / "bench.json").write_text(json.dumps({"about": about, "results": [r.as_json() for r in results]}, indent=1))
        performance = args.docs / "performance.md"
        performance.write_text(in_docs(performance.read_text(encoding="utf-8"), results, about), encoding="utf-8")
    print((args.output / "bench.md").read_text())


if __name__ == "__main__":
    main()
