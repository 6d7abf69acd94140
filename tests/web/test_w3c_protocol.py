"""The W3C SPARQL 1.1 Protocol test cases, run over plain HTTP against a real server.

Every entry of the W3C manifest is here under its own name, restated as data: manifest
<http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest>, in github.com/w3c/rdf-tests,
sparql/sparql11/protocol/manifest.ttl (commit a12e474, 2026-05-28). As the manifest directs, its
`/sparql/` path is replaced by this service's endpoint. Two adaptations, both because this is a
read-only service that refuses graph IRIs it does not hold:
- the manifest names data0.rdf as a default graph without giving it data, so the store holds it as
  an empty graph (data1-3.rdf hold the one statement each that the manifest's data files give them);
- the manifest's update cases expect an update service to apply them; here every one must be
  refused with a 4xx and leave the store exactly as it was. Their bodies are cut to the operations
  that matter (CLEAR, DROP, INSERT), since none of them may run.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from graph.query.sparql import GRAPH_FORMATS, RESULT_FORMATS

KASEI = "http://kasei.us/2009/09/sparql/data/"
D0, D1, D2, D3 = (f"{KASEI}data{n}.rdf" for n in range(4))
DOCUMENT = ox.NamedNode("http://xmlns.com/foaf/0.1/Document")
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
BOTH = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
NAMED = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"


@dataclass(frozen=True)
class Case:
    """One manifest entry: the request, and what the response must be."""

    name: str
    method: str
    params: list[tuple[str, str]] = field(default_factory=list)
    content_type: str | None = None
    body: bytes | None = None
    expect: str = "refused"  # "true" (boolean true), "boolean", "tabular", "RDF", or "refused" (4xx)


CASES = [
    Case("query_post_form", "POST", [("default-graph-uri", D0)], FORM, b"query=ASK%20%7B%7D", "true"),
    Case("query_dataset_default_graphs_get", "GET",
         [("query", BOTH), ("default-graph-uri", D1), ("default-graph-uri", D2)], expect="true"),
    Case("query_dataset_default_graphs_post", "POST", [("default-graph-uri", D1), ("default-graph-uri", D2)],
         DIRECT, BOTH.encode(), "true"),
    Case("query_dataset_named_graphs_post", "POST", [("named-graph-uri", D1), ("named-graph-uri", D2)],
         DIRECT, NAMED.encode(), "true"),
    Case("query_dataset_named_graphs_get", "GET",
         [("query", NAMED), ("named-graph-uri", D1), ("named-graph-uri", D2)], expect="true"),
    Case("query_dataset_full", "POST", [("default-graph-uri", D3), ("named-graph-uri", D1), ("named-graph-uri", D2)],
         DIRECT, f"ASK {{ <{D3}> a ?type GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}".encode(), "true"),
    Case("query_multiple_dataset", "POST", [("named-graph-uri", D1), ("named-graph-uri", D2)], DIRECT,
         f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}".encode(), "true"),
    Case("query_get", "GET", [("query", "ASK {}"), ("default-graph-uri", D0)], expect="true"),
    Case("query_content_type_select", "POST", [("default-graph-uri", D0)], DIRECT, b"SELECT (1 AS ?value) {}", "tabular"),
    Case("query_content_type_ask", "POST", [("default-graph-uri", D0)], DIRECT, b"ASK {}", "boolean"),
    Case("query_content_type_describe", "POST", [("default-graph-uri", D0)], DIRECT, b"DESCRIBE <http://example.org/>", "RDF"),
    Case("query_content_type_construct", "POST", [("default-graph-uri", D0)], DIRECT,
         b"CONSTRUCT { <s> <p> 1 } WHERE {}", "RDF"),
    Case("query_post_direct", "POST", [], DIRECT, b"ASK {}", "true"),
    Case("update_dataset_default_graph", "POST", [("using-graph-uri", D1)], UPDATE, b"CLEAR ALL"),
    Case("update_dataset_default_graphs", "POST", [("using-graph-uri", D1), ("using-graph-uri", D2)], UPDATE, b"DROP ALL"),
    Case("update_dataset_named_graphs", "POST", [("using-named-graph-uri", D1), ("using-named-graph-uri", D2)],
         UPDATE, b"DROP ALL"),
    Case("update_dataset_full", "POST", [("using-graph-uri", D1), ("using-named-graph-uri", D2)], UPDATE, b"DROP ALL"),
    Case("update_post_form", "POST", [], FORM, b"update=CLEAR+ALL"),
    Case("update_post_direct", "POST", [], UPDATE, b"CLEAR ALL"),
    Case("update_base_uri", "POST", [], UPDATE,
         b"INSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <o> } }"),
    Case("bad_query_method", "PUT", [("query", "ASK {}"), ("default-graph-uri", D0)], FORM),
    Case("bad_multiple_queries", "GET", [("query", "ASK {}"), ("query", "SELECT * {}")]),
    Case("bad_query_wrong_media_type", "POST", [], "text/plain", b"ASK {}"),
    Case("bad_query_missing_form_type", "POST", [], None, b"query=ASK%20%7B%7D"),
    Case("bad_query_missing_direct_type", "POST", [], None, b"ASK {}"),
    Case("bad_query_non_utf8", "POST", [], f"{DIRECT}; charset=UTF-16", "ASK {}".encode("utf-16")),
    Case("bad_query_syntax", "GET", [("query", "ASK {")]),
    Case("bad_update_get", "GET", [("update", "CLEAR ALL")]),
    Case("bad_multiple_updates", "POST", [], FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"),
    Case("bad_update_wrong_media_type", "POST", [], "text/plain", b"CLEAR NAMED"),
    Case("bad_update_missing_form_type", "POST", [], None, b"update=CLEAR%20NAMED"),
    Case("bad_update_non_utf8", "POST", [], f"{UPDATE}; charset=UTF-16", "CLEAR NAMED".encode("utf-16")),
    Case("bad_update_syntax", "POST", [], FORM, b"update=CLEAR%20XYZ"),
    Case("bad_update_dataset_conflict", "POST", [("using-named-graph-uri", "http://example/people")], UPDATE,
         b"PREFIX foaf: <http://xmlns.com/foaf/0.1/> WITH <http://example/addresses> "
         b"DELETE { ?p foaf:givenName 'Bill' } INSERT { ?p foaf:givenName 'William' } WHERE { ?p foaf:givenName 'Bill' }"),
]
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def w3c_server(store_dir: Path, tmp_path_factory: pytest.TempPathFactory,
               serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    """casegraph over the shipped store plus the manifest's graphs."""
    copy = tmp_path_factory.mktemp("w3c") / "store"
    shutil.copytree(store_dir, copy)
    store = ox.Store(str(copy))
    for iri in (D1, D2, D3):
        store.add(ox.Quad(ox.NamedNode(iri), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), DOCUMENT,
                          ox.NamedNode(iri)))
    store.add_graph(ox.NamedNode(D0))
    store.flush()
    del store
    with serve(copy, sources=store_dir.parent / "sources") as url:  # the files it was built from, so it is not rebuilt
        yield url


def test_every_entry_of_the_manifest_is_here_once() -> None:
    assert len({case.name for case in CASES}) == len(CASES) == 34


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_w3c_protocol_case(w3c_server: str, case: Case) -> None:
    before = _count(w3c_server)
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    answer = httpx.request(case.method, f"{w3c_server}/sparql", params=case.params, headers=headers,
                           content=case.body, timeout=30)
    media_type = answer.headers.get("content-type", "").split(";")[0]
    if case.expect == "refused":
        assert 400 <= answer.status_code < 500, answer.text
        assert "Traceback" not in answer.text
        assert _count(w3c_server) == before, "a refused request changed the store"
        return
    assert 200 <= answer.status_code < 400, answer.text
    if case.expect == "RDF":
        assert media_type in GRAPH_FORMATS
        list(ox.parse(answer.content, format=GRAPH_FORMATS[media_type]))
        return
    assert media_type in RESULT_FORMATS
    result = ox.parse_query_results(answer.content, format=RESULT_FORMATS[media_type])
    if case.expect == "tabular":
        assert isinstance(result, ox.QuerySolutions)
        assert [row["value"] for row in result] == [ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))]
    else:
        assert isinstance(result, ox.QueryBoolean)
        assert case.expect == "boolean" or bool(result) is True


def _count(server: str) -> int:
    answer = httpx.get(f"{server}/sparql", params={"query": COUNT_ALL}, headers={"Accept": "application/sparql-results+json"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])
