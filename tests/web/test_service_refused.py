"""SERVICE is refused however a query is written, and FROM names only the store's graphs however it is spelt.

A local socket stands where a SERVICE call would go. Whatever it receives waits in its backlog, so
once an answer has come back, one non-blocking look at the socket says whether the server
connected while answering: nothing is waited for.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import BASE

LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
GULMIRA = "uscirf-gulmira-imin"

# {url} is the listener's address, {port} its port; each query calls SERVICE there, disguised.
DISGUISES = {
    "plain": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "lower-case": "select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
    "mixed-case": "SELECT * WHERE {{ ?s ?p ?o . SeRvIcE <{url}> {{ ?s ?p ?o }} }} LIMIT 1",
    "prefixed-name": "PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
    "prefix-named-service": "PREFIX service: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE service:x {{ ?s ?p ?o }} }}",
    "relative-under-base": "BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "relative-base-chain": "BASE <http://127.0.0.1:{port}/a/> BASE <../b/> SELECT * WHERE {{ SERVICE <c> {{ ?s ?p ?o }} }}",
    "network-path": "SELECT * WHERE {{ SERVICE <//127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "escaped-iri": "SELECT * WHERE {{ SERVICE <http\\u003A//127.0.0.1\\u003A{port}/> {{ ?s ?p ?o }} }}",
    "escaped-iri-long": "SELECT * WHERE {{ SERVICE <http\\U0000003A//127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "escaped-keyword": "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "escaped-brackets": "SELECT * WHERE {{ SERVICE \\u003C{url}\\u003E {{ ?s ?p ?o }} }}",
    "silent": "SELECT * WHERE {{ ?s ?p ?o . SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} LIMIT 1",
    "variable": "SELECT * WHERE {{ VALUES ?endpoint {{ <{url}> }} SERVICE ?endpoint {{ ?s ?p ?o }} }}",
    "silent-variable": "SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE SILENT ?e {{ ?s ?p ?o }} }}",
    "subquery": "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "filter-exists": "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "filter-not-exists": "SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }}",
    "bind-exists": "SELECT * WHERE {{ BIND(EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} AS ?x) }}",
    "projected-exists": "SELECT (NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} AS ?x) WHERE {{ }}",
    "having-exists": "SELECT ?s WHERE {{ ?s ?p ?o }} GROUP BY ?s HAVING (EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }})",
    "optional": "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "minus": "SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "union": "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "graph": "SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "ask": "ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "construct": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "construct-where": "CONSTRUCT WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "describe": "DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    # Strings, IRIs and comments that a scanner of the text would misread.
    "triple-quoted-string": 'SELECT * WHERE {{ BIND("""a " "" \' # <x> """ AS ?x)\n SERVICE <{url}> {{ ?s ?p ?o }} }}',
    "triple-quoted-single": "SELECT * WHERE {{ BIND('''it's '' \" # ''' AS ?x)\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "quote-at-end-of-long-string": 'SELECT * WHERE {{ BIND("""ends in a quote\\"""" AS ?x)\n SERVICE <{url}> {{ ?s ?p ?o }} }}',
    "escaped-quotes": 'SELECT * WHERE {{ BIND("say \\"#\\" and \\\\" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}',
    "escaped-single-quote": "SELECT * WHERE {{ BIND('it\\'s # not a comment' AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "hash-in-iri": "SELECT * WHERE {{ ?s <http://example.org/p#x> ?o SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "hash-in-iri-next-line": "SELECT * WHERE {{ ?s <http://example.org/p#x> ?o .\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "comment-with-quote": "SELECT * WHERE {{ # a comment with a \" quote and a ' quote\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "comment-with-iri-start": "SELECT * WHERE {{ # <not an IRI\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "string-naming-service": 'SELECT * WHERE {{ BIND("SERVICE" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}',
    "no-spaces": "SELECT*WHERE{{?s ?p ?o.SERVICE<{url}>{{?s ?p ?o}}}}",
    "escaped-newline-in-comment": "SELECT * WHERE {{ # comment\\u000A SERVICE <{url}> {{ ?s ?p ?o }} }}",
}

# Queries that only mention the word: they must run.
MENTIONS = {
    "in-a-string": 'SELECT ?x WHERE {{ BIND("SERVICE <{url}> {{ ?s ?p ?o }}" AS ?x) }}',
    "in-a-long-string": "SELECT ?x WHERE {{ BIND('''SERVICE <{url}> {{ \"?s\" }}''' AS ?x) }}",
    "in-a-comment": "SELECT * WHERE {{ # SERVICE <{url}> {{ ?s ?p ?o }}\n ?s ?p ?o }} LIMIT 1",
    "in-an-iri": "SELECT * WHERE {{ ?s <http://example.org/SERVICE> ?o }}",
    "in-a-prefixed-name": "PREFIX ex: <http://example.org/> SELECT * WHERE {{ ?s ex:SERVICE ?o }}",
    "as-a-variable": "SELECT ?service WHERE {{ ?service ?p ?o }} LIMIT 1",
    "as-an-upper-case-variable": "SELECT $SERVICE WHERE {{ $SERVICE ?p ?o }} LIMIT 1",
}


class Listener:
    """A listening socket on a free local port; connections wait in its backlog until counted."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.socket.setblocking(False)
        self.port: int = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.seen = 0

    def connections(self) -> int:
        """How many connections it has received so far: whatever is in the backlog is taken now."""
        while True:
            try:
                connection, _ = self.socket.accept()
            except BlockingIOError:
                return self.seen
            self.seen += 1
            connection.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    listening = Listener()
    yield listening
    listening.socket.close()


def ask(server: str, method: str, query: str) -> httpx.Response:
    """Send a query by one of the protocol's three ways."""
    if method == "get":
        return httpx.get(f"{server}/sparql", params={"query": query}, timeout=30)
    if method == "form":
        return httpx.post(f"{server}/sparql", data={"query": query}, timeout=30)
    return httpx.post(f"{server}/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"},
                      timeout=30)


def names_service(text: str) -> bool:
    """Whether a refusal names SERVICE: refused as such, or a query rdflib cannot read, stopped at that keyword."""
    return "SERVICE is not allowed" in text or "found 'SERVICE'" in text


@pytest.mark.parametrize("method", ["get", "form", "body"])
@pytest.mark.parametrize("disguise", list(DISGUISES))
def test_service_is_refused_however_written(server: str, listener: Listener, disguise: str, method: str) -> None:
    before = listener.connections()
    query = DISGUISES[disguise].format(url=listener.url, port=listener.port)
    response = ask(server, method, query)
    assert response.status_code == 400, response.text
    assert names_service(response.text), response.text
    assert listener.connections() == before


@pytest.mark.parametrize("disguise", ["triple-quoted-string", "escaped-quotes", "hash-in-iri"])
def test_a_query_rdflib_cannot_read_gets_its_line_and_column(server: str, listener: Listener, disguise: str) -> None:
    """rdflib cannot read SERVICE after a '#' on the same line, even one inside a string; such a query is refused unread."""
    before = listener.connections()
    query = DISGUISES[disguise].format(url=listener.url, port=listener.port).replace("\n", " ")
    response = ask(server, "get", query)
    assert response.status_code == 400
    assert "not valid SPARQL: error at line 1, column" in response.text and "found 'SERVICE'" in response.text
    assert listener.connections() == before


def test_service_within_service_is_refused(server: str, listener: Listener) -> None:
    """rdflib's parser recurses without end on SERVICE inside SERVICE; the query is refused as unreadable."""
    before = listener.connections()
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }} }}"
    response = ask(server, "get", query)
    assert response.status_code == 400 and "not valid SPARQL" in response.text
    assert listener.connections() == before


def test_an_escaped_quote_cannot_hide_service(server: str, listener: Listener) -> None:
    """Escapes are replaced before the query is both read and run, so both see the same string end.

    Were "\\u0022" replaced before reading only (as rdflib does) and inside strings only when running
    (as Oxigraph does), the check would read SERVICE inside a string that the run treats as code.
    """
    before = listener.connections()
    query = f'SELECT ?v WHERE {{ VALUES ?v {{ "A\\u0022 " }} SERVICE <{listener.url}> {{ ?s ?p ?o }} }} # " }} }}'
    response = ask(server, "get", query)
    assert response.status_code == 200, response.text
    values = [row["v"]["value"] for row in response.json()["results"]["bindings"]]
    assert values[0] == "A" and "SERVICE" in values[1]
    assert listener.connections() == before


@pytest.mark.parametrize("method", ["get", "form", "body"])
def test_a_carriage_return_cannot_end_a_comment_early(server: str, listener: Listener, method: str) -> None:
    """Oxigraph ends a comment at a carriage return, rdflib only at a line feed: a lone one is refused."""
    before = listener.connections()
    query = f"SELECT * WHERE {{ # a comment\r SERVICE <{listener.url}> {{ ?s ?p ?o }}\n}}"
    response = ask(server, method, query)
    assert response.status_code == 400 and "carriage return without a line feed at line 1, column 29" in response.text
    assert listener.connections() == before


@pytest.mark.parametrize("mention", list(MENTIONS))
def test_the_word_service_alone_is_no_call(server: str, listener: Listener, mention: str) -> None:
    before = listener.connections()
    query = MENTIONS[mention].format(url=listener.url)
    for method in ("get", "form", "body"):
        response = ask(server, method, query)
        assert response.status_code == 200, response.text
    assert listener.connections() == before


def names(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {row["name"]["value"] for row in response.json()["results"]["bindings"]}


@pytest.mark.parametrize(
    "query",
    [
        f"PREFIX src: <{BASE}source/> SELECT ?name FROM src:{GULMIRA} WHERE {{ ?p {LABEL} ?name }}",
        f"BASE <{BASE}source/> SELECT ?name FROM <{GULMIRA}> WHERE {{ ?p {LABEL} ?name }}",
        f"BASE <{BASE}elsewhere/> SELECT ?name FROM <../source/{GULMIRA}> WHERE {{ ?p {LABEL} ?name }}",
        f"BASE <other/> SELECT ?name FROM <../source/{GULMIRA}> WHERE {{ ?p {LABEL} ?name }}",
        f"SELECT ?name FROM <source/{GULMIRA}> WHERE {{ ?p {LABEL} ?name }}",
        f"SELECT ?name FROM <{BASE}source/uscirf\\u002Dgulmira-imin> WHERE {{ ?p {LABEL} ?name }}",
        f"PREFIX src: <source/> SELECT ?name FROM NAMED src:{GULMIRA} WHERE {{ GRAPH ?g {{ ?p {LABEL} ?name }} }}",
    ],
    ids=["prefixed-name", "relative-under-base", "dot-segments", "relative-base", "relative-to-store-base", "escaped",
         "named-prefixed-relative"],
)
def test_from_in_any_spelling_runs_over_that_graph_only(server: str, query: str) -> None:
    found = names(httpx.get(f"{server}/sparql", params={"query": query}))
    assert "Gulmira Imin" in found and "Ikram Nurmehmet" not in found


@pytest.mark.parametrize(
    "clause",
    [
        "PREFIX x: <http://127.0.0.1:{port}/> SELECT * FROM x:graph WHERE {{ ?s ?p ?o }}",
        "PREFIX x: <http://127.0.0.1:{port}/> SELECT * FROM NAMED x:graph WHERE {{ ?s ?p ?o }}",
        "BASE <file:///etc/> SELECT * FROM <passwd> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM <source/no-such-source> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <//127.0.0.1:{port}/graph> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM cg:nothing WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM <http\\u003A//127.0.0.1:{port}/graph> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM <source/" + GULMIRA + "> FROM <http://127.0.0.1:{port}/graph> WHERE {{ ?s ?p ?o }}",
        "ASK FROM <http://127.0.0.1:{port}/graph> {{ }}",
        "CONSTRUCT {{ ?s ?p ?o }} FROM <http://127.0.0.1:{port}/graph> WHERE {{ ?s ?p ?o }}",
        "DESCRIBE <x> FROM <http://127.0.0.1:{port}/graph>",
        "SELECT * # \"\n FROM <http://127.0.0.1:{port}/graph> WHERE {{ ?s ?p ?o }}",
    ],
    ids=["prefixed-name", "named-prefixed-name", "relative-under-base", "relative-to-store-base", "network-path",
         "ontology-prefix", "escaped", "second-clause", "ask", "construct", "describe", "after-a-comment"],
)
def test_from_an_unknown_graph_in_any_spelling_is_refused(server: str, listener: Listener, clause: str) -> None:
    before = listener.connections()
    response = httpx.get(f"{server}/sparql", params={"query": clause.format(port=listener.port)})
    assert response.status_code == 400 and "FROM may only name the store's own graphs" in response.text
    assert listener.connections() == before


@pytest.mark.parametrize("disguise", ["plain", "relative-under-base", "escaped-keyword", "filter-not-exists", "ask",
                                      "comment-with-quote"])
def test_the_cli_refuses_service_however_written(store_dir: Path, listener: Listener, disguise: str) -> None:
    before = listener.connections()
    query = DISGUISES[disguise].format(url=listener.url, port=listener.port)
    environment = {**os.environ, "CASEGRAPH_STORE": str(store_dir), "COLUMNS": "200"}
    result = subprocess.run([sys.executable, "-m", "service", "query", query], capture_output=True, text=True,
                            env=environment, timeout=120, check=False)
    assert result.returncode == 2 and "SERVICE is not allowed" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert listener.connections() == before
