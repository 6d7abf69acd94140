"""SPARQL stores on this machine for casegraph to use as remote ones: the Oxigraph server and OpenLink Virtuoso.

The tests and the benchmark start them alike: each over a folder of its own, on ports of its own.
"""

from __future__ import annotations

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

from graph.store.remote import Endpoints

OXIGRAPH_SERVER = Path(sys.executable).with_name("oxigraph")  # PyPI's oxigraph, a test dependency
VIRTUOSO = shutil.which("virtuoso-t")  # Debian's virtuoso-opensource-7-bin; .ci/run installs it
VIRTUOSO_ISQL = shutil.which("isql-vt")


def until(done: Callable[[], bool], failure: str, seconds: float = 60) -> None:
    """Poll a condition until it holds, failing with the message if it has not by the deadline (never a fixed wait)."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, failure
        time.sleep(0.02)


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
    directory.mkdir(parents=True, exist_ok=True)
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
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
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
    union: bool = False

    def endpoints(self, dataset: str = "public") -> Endpoints:
        """The endpoints casegraph is given for this server as its public or full dataset."""
        return Endpoints(self.query, self.update, dataset=dataset, union=self.union)

    def env(self, prefix: str = "") -> dict[str, str]:
        """The environment naming this server as the public dataset (prefix "") or the full one ("FULL_")."""
        return {f"CASEGRAPH_{name.upper()}": str(value).lower() if isinstance(value, bool) else str(value)
                for name, value in remote_settings(self, prefix.lower()).items()}


def remote_settings(server: SparqlServer, prefix: str = "") -> dict[str, object]:
    """The service's settings naming a server as the public dataset (prefix "") or the full one ("full_")."""
    return {f"{prefix}sparql_query_url": server.query, f"{prefix}sparql_update_url": server.update,
            f"{prefix}sparql_union_default_graph": server.union}


@contextmanager
def sparql_server(kind: str, directory: Path, timeout: int = 30, memory_mb: int = 160) -> Iterator[SparqlServer]:
    """A store casegraph runs on as a remote one: "oxigraph-server" or "virtuoso", over a folder of its own, its queries
    stopped after `timeout` seconds (0: never); Virtuoso keeps `memory_mb` of its database in memory."""
    if kind == "virtuoso":
        with virtuoso_server(directory, timeout, memory_mb) as url:
            yield SparqlServer(f"{url}/sparql", f"{url}/sparql", union=True)
    else:
        with oxigraph_server(directory, *(["--timeout-s", str(timeout)] if timeout else [])) as url:
            yield SparqlServer(f"{url}/query", f"{url}/update")


@contextmanager
def virtuoso_server(directory: Path, timeout: int = 30, memory_mb: int = 160) -> Iterator[str]:
    """OpenLink Virtuoso over a database folder of its own, on ports of its own, its SPARQL user allowed to write
    (the grant its SPARQL Update needs); yields its address once it answers."""
    assert VIRTUOSO is not None and VIRTUOSO_ISQL is not None, "Virtuoso is not installed"
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    buffers = memory_mb * 1024 // 8  # a buffer holds one 8 KB page
    ini = VIRTUOSO_INI.format(sql_port=sql_port, http_port=http_port, timeout=timeout, buffers=buffers,
                              dirty=buffers * 3 // 4)
    (directory / "virtuoso.ini").write_text(ini, encoding="utf-8")
    url = f"http://127.0.0.1:{http_port}"
    with _running([VIRTUOSO, "+foreground", "+configfile", "virtuoso.ini"], f"{url}/sparql", "Virtuoso server",
                  cwd=directory):
        subprocess.run([VIRTUOSO_ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", "exec=GRANT SPARQL_UPDATE TO \"SPARQL\";"],
                       check=True, capture_output=True, timeout=60)
        yield url
