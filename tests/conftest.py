"""Shared fixtures: stores built through the real build, from the two seed documents or from everything shipped.

Most tests hold the seed documents' exact, hand-checked facts as expected results, so they run on a
store of those two documents. The imported list is checked row by row against its CSV
(test_import.py) and served in full by tests/web/test_shipped_graph.py.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from graph.editions.build import build
from graph.iris import DEFAULT_BASE
from graph.paths import sources_dir
from graph.store.opening import open_store
from graph.store.remote import Endpoints
from graph.store.seam import Store

BASE = DEFAULT_BASE
SEEDS = ("hrw-ikram-nurmehmet.trig", "uscirf-gulmira-imin.trig")


def seed_sources() -> list[Path]:
    """The two hand-written seed documents among the shipped sources."""
    return [sources_dir() / name for name in SEEDS]


def until(done: Callable[[], bool], failure: str, seconds: float = 60) -> None:
    """Poll a condition until it holds, failing with the message if it has not by the deadline (never a fixed wait)."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, failure
        time.sleep(0.02)


def copy_seeds(directory: Path) -> Path:
    """A sources directory holding only the seed documents."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in seed_sources():
        shutil.copy(path, directory / path.name)
    return directory


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A persistent store built from the seed documents, as `casegraph build` builds it."""
    directory = tmp_path_factory.mktemp("store") / "store"
    build(copy_seeds(directory.parent / "sources"), directory, BASE)
    return directory


@pytest.fixture(scope="session")
def shipped_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A persistent store built from every shipped source, imported list included."""
    directory = tmp_path_factory.mktemp("shipped") / "store"
    build(sources_dir(), directory, BASE)
    return directory


@pytest.fixture(scope="session")
def shipped_store(shipped_store_dir: Path) -> Iterator[Store]:
    """The store of every shipped source, opened read-only."""
    yield open_store(shipped_store_dir, BASE, read_only=True)


@pytest.fixture(scope="session")
def store(store_dir: Path) -> Iterator[Store]:
    """The built store, opened read-only."""
    yield open_store(store_dir, BASE, read_only=True)


OXIGRAPH_SERVER = Path(sys.executable).with_name("oxigraph")  # PyPI's oxigraph, a test dependency
VIRTUOSO = shutil.which("virtuoso-t")  # Debian's virtuoso-opensource-7-bin; .ci/run installs it
VIRTUOSO_ISQL = shutil.which("isql-vt")
if VIRTUOSO is None and os.environ.get("CI"):
    raise RuntimeError("CI needs Debian's virtuoso-opensource-7-bin for the remote-store tests; .ci/run installs it")
needs_virtuoso = pytest.mark.skipif(VIRTUOSO is None,
                                    reason="Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)")


def free_port() -> int:
    """A port no one listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _running(command: list[str], url: str, name: str, **options: object) -> Iterator[subprocess.Popen[bytes]]:
    """A store's server process, once its SPARQL endpoint at `url` answers ASK {}; stopped after."""
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **options)  # type: ignore[call-overload]

    def answers() -> bool:
        assert server.poll() is None, f"the {name} exited"
        try:
            return httpx.get(url, params={"query": "ASK {}"}).status_code == 200
        except httpx.HTTPError:
            return False
    try:
        until(answers, f"the {name} did not start", 60)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def oxigraph_server(directory: Path, *options: str) -> Iterator[str]:
    """The Oxigraph server on a port of its own over a directory of its own; yields its address once it answers."""
    url = f"http://127.0.0.1:{free_port()}"
    command = [str(OXIGRAPH_SERVER), "serve", "--location", str(directory), "--bind", url.removeprefix("http://"), *options]
    with _running(command, f"{url}/query", "Oxigraph server"):
        yield url


VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = .
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {timeout}
"""


@dataclass(frozen=True)
class SparqlServer:
    """A SPARQL store on this machine for one dataset: its endpoints, and whether its default graph is all its graphs."""

    query: str
    update: str
    graph_store: str
    union: bool = False

    def endpoints(self, dataset: str = "public") -> Endpoints:
        """The endpoints casegraph is given for this server as its public or full dataset."""
        return Endpoints(self.query, self.update, self.graph_store, dataset=dataset, union=self.union)

    def env(self, prefix: str = "") -> dict[str, str]:
        """The environment naming this server as the public dataset (prefix "") or the full one ("FULL_")."""
        return {f"CASEGRAPH_{name.upper()}": str(value).lower() if isinstance(value, bool) else str(value)
                for name, value in remote_settings(self, prefix.lower()).items()}


def remote_settings(server: SparqlServer, prefix: str = "") -> dict[str, object]:
    """The service's settings naming a server as the public dataset (prefix "") or the full one ("full_")."""
    return {f"{prefix}sparql_query_url": server.query, f"{prefix}sparql_update_url": server.update,
            f"{prefix}sparql_graph_store_url": server.graph_store, f"{prefix}sparql_union_default_graph": server.union}


REMOTE_KINDS = [pytest.param("oxigraph-server"), pytest.param("virtuoso", marks=needs_virtuoso)]


@contextmanager
def sparql_server(kind: str, directory: Path) -> Iterator[SparqlServer]:
    """A store casegraph is tested on as a remote one: "oxigraph-server" or "virtuoso", over a folder of its own."""
    if kind == "virtuoso":
        with virtuoso_server(directory) as url:
            yield SparqlServer(f"{url}/sparql", f"{url}/sparql", f"{url}/sparql-graph-crud", union=True)
    else:
        with oxigraph_server(directory, "--timeout-s", "30") as url:
            yield SparqlServer(f"{url}/query", f"{url}/update", f"{url}/store")


@contextmanager
def virtuoso_server(directory: Path, timeout: int = 30) -> Iterator[str]:
    """OpenLink Virtuoso over a database folder of its own, on ports of its own, its SPARQL user allowed to write
    (the grant its Graph Store Protocol endpoint needs); yields its address once it answers."""
    assert VIRTUOSO is not None and VIRTUOSO_ISQL is not None, "Virtuoso is not installed"
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    (directory / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=sql_port, http_port=http_port, timeout=timeout),
                                            encoding="utf-8")
    url = f"http://127.0.0.1:{http_port}"
    with _running([VIRTUOSO, "+foreground", "+configfile", "virtuoso.ini"], f"{url}/sparql", "Virtuoso server",
                  cwd=directory):
        subprocess.run([VIRTUOSO_ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", "exec=GRANT SPARQL_UPDATE TO \"SPARQL\";"],
                       check=True, capture_output=True, timeout=60)
        yield url


def restricted_document(source: str, secret: str, body: str) -> str:
    """A made-up restricted source document named `source`: its catalog entry, a publisher named after `secret`, and
    `body` (Turtle statements in its graph, each giving `cg:source <source/…>` as the shapes ask)."""
    return f"""\
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<graph/sources> {{
  <source/{source}> a cg:SourceDocument ; skos:prefLabel "{secret} statement"@en ;
     dcterms:title "{secret} statement"@en ;
     dcterms:publisher <organisation/{secret.lower()}-group> ; cg:sourceKind cg:source-news-release ;
     cg:addressStatus cg:address-unconfirmed ; cg:restricted true .
}}
<source/{source}> {{
  <organisation/{secret.lower()}-group> a cg:NonGovernmentalOrganisation ; skos:prefLabel "{secret} group"@en ;
     cg:source <source/{source}> .
{body}}}
"""
