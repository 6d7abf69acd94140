"""The SPARQL 1.1 Protocol at /sparql, exercised by real clients against a real server."""

from __future__ import annotations

import io
import json
import re
import socket
import threading
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, XML, SPARQLWrapper

from conftest import BASE

NAME = f"SELECT ?name WHERE {{ <{BASE}person/gulmira-imin> <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }}"
PARTNERS = f"""SELECT ?p WHERE {{ <{BASE}person/tahir-imin> <https://w3id.org/casegraph/ontology#businessPartner> ?p }}"""


def test_sparqlwrapper_get_json(server: str) -> None:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(PARTNERS)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert sorted(r["p"]["value"] for r in rows) == [f"{BASE}person/tahir-imin-business-partner-{i}" for i in range(1, 7)]


def test_sparqlwrapper_post_xml(server: str) -> None:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setMethod(POST)
    client.setQuery(NAME)
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    assert "Gulmira Imin" in document.toxml()  # type: ignore[union-attr]


def test_rdflib_sparqlstore(server: str) -> None:
    store = SPARQLStore(f"{server}/sparql", returnFormat="json")
    rows = list(store.query(NAME))
    assert rows == [(Literal("Gulmira Imin", lang="en"),)]
    graph = Graph(store=store)
    assert (URIRef(f"{BASE}person/tahir-imin"), None, None) in graph


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("GET", {"params": {"query": NAME}}),
        ("POST", {"data": {"query": NAME}}),
        ("POST", {"content": NAME, "headers": {"Content-Type": "application/sparql-query"}}),
    ],
    ids=["get", "post-form", "post-direct"],
)
def test_the_three_protocol_operations(server: str, method: str, kwargs: dict[str, object]) -> None:
    response = httpx.request(method, f"{server}/sparql", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["results"]["bindings"][0]["name"]["value"] == "Gulmira Imin"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/*;q=0.8, application/sparql-results+json;q=0.1", "text/csv"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_results_follow_the_accept_header(server: str, accept: str, media_type: str) -> None:
    response = httpx.get(f"{server}/sparql", params={"query": NAME}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Gulmira Imin" in response.text
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
     ("application/rdf+xml", "xml")],
)
def test_construct_results_follow_the_accept_header(server: str, accept: str, rdflib_format: str) -> None:
    query = f"CONSTRUCT {{ <{BASE}person/tahir-imin> ?p ?o }} WHERE {{ <{BASE}person/tahir-imin> ?p ?o }}"
    response = httpx.get(f"{server}/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) > 10 and (URIRef(f"{BASE}person/tahir-imin"), None, None) in graph


def test_ask(server: str) -> None:
    response = httpx.get(f"{server}/sparql", params={"query": f"ASK {{ <{BASE}person/gulmira-imin> ?p ?o }}"})
    assert response.json() == {"head": {}, "boolean": True}


def test_results_asked_for_in_a_graph_format_come_as_sparql_json(server: str) -> None:
    """Where no format of the result's kind is acceptable, the default is sent rather than 406, as Jena Fuseki does."""
    response = httpx.get(f"{server}/sparql", params={"query": NAME}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/sparql-results+json"
    assert {"value": "Gulmira Imin", "type": "literal", "xml:lang": "en"} in [
        row["name"] for row in response.json()["results"]["bindings"]]
    assert "Accept" in response.headers["vary"].split(", ")


def test_a_construct_asked_for_as_sparql_xml_results_comes_as_turtle(server: str) -> None:
    """roqet (Redland) asks every query for SPARQL XML results."""
    query = f"CONSTRUCT {{ <{BASE}person/gulmira-imin> ?p ?o }} WHERE {{ <{BASE}person/gulmira-imin> ?p ?o }}"
    response = httpx.post(f"{server}/sparql", content=query, headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    assert "Accept" in response.headers["vary"].split(", ")
    graph = Graph().parse(data=response.content, format="turtle")
    assert (URIRef(f"{BASE}person/gulmira-imin"), None, Literal("Gulmira Imin", lang="en")) in graph


def test_the_fallback_passes_over_a_format_refused_outright(server: str) -> None:
    query = f"CONSTRUCT {{ <{BASE}person/gulmira-imin> ?p ?o }} WHERE {{ <{BASE}person/gulmira-imin> ?p ?o }}"
    response = httpx.get(f"{server}/sparql", params={"query": query},
                         headers={"Accept": "application/sparql-results+xml, text/turtle;q=0"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=response.content, format="nt")) > 5


def test_a_bad_query_gets_400_with_line_and_column(server: str) -> None:
    response = httpx.get(f"{server}/sparql", params={"query": "SELECT ?x WHERE {\n  ?x a\n}"})
    assert response.status_code == 400
    assert "error at line 2, column 3" in response.text
    assert "Traceback" not in response.text


def test_default_graph_uri_restricts_the_default_graph(server: str) -> None:
    query = f"ASK {{ <{BASE}person/ikram-nurmehmet> ?p ?o }}"
    only_uscirf = {"query": query, "default-graph-uri": f"{BASE}source/uscirf-gulmira-imin"}
    assert httpx.get(f"{server}/sparql", params=only_uscirf).json()["boolean"] is False
    only_hrw = {"query": query, "default-graph-uri": f"{BASE}source/hrw-ikram-nurmehmet"}
    assert httpx.post(f"{server}/sparql", data=only_hrw).json()["boolean"] is True


def test_named_graph_uri_restricts_graph_patterns(server: str) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    params = {"query": query, "named-graph-uri": f"{BASE}source/hrw-ikram-nurmehmet"}
    rows = httpx.get(f"{server}/sparql", params=params).json()["results"]["bindings"]
    assert [r["g"]["value"] for r in rows] == [f"{BASE}source/hrw-ikram-nurmehmet"]


def test_a_graph_outside_the_store_is_refused(server: str) -> None:
    params = {"query": NAME, "default-graph-uri": "http://example.org/elsewhere"}
    response = httpx.get(f"{server}/sparql", params=params)
    assert response.status_code == 400 and "not a graph of this store" in response.text


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {"update": "INSERT DATA { <a> <b> <c> }"}},
        {"content": "INSERT DATA { <a> <b> <c> }", "headers": {"Content-Type": "application/sparql-update"}},
        {"content": "INSERT DATA { <a> <b> <c> }", "headers": {"Content-Type": "application/sparql-query"}},
    ],
    ids=["form-update", "sparql-update-body", "update-as-query"],
)
def test_updates_are_refused_and_change_nothing(server: str, kwargs: dict[str, object]) -> None:
    response = httpx.post(f"{server}/sparql", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert httpx.get(f"{server}/sparql", params={"query": "ASK { <a> <b> <c> }"}).json()["boolean"] is False


def test_an_unknown_content_type_gets_415(server: str) -> None:
    response = httpx.post(f"{server}/sparql", content=NAME, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_a_query_in_another_charset_gets_415_saying_utf8(server: str) -> None:
    response = httpx.post(f"{server}/sparql", content="ASK {}".encode("utf-16"),
                          headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert response.status_code == 415 and "UTF-8" in response.text


def test_a_body_that_is_not_utf8_gets_400(server: str) -> None:
    response = httpx.post(f"{server}/sparql", content=b"ASK { ?s ?p '\xff' }",
                          headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400 and "not valid UTF-8" in response.text


def test_two_queries_in_one_request_get_400(server: str) -> None:
    response = httpx.get(f"{server}/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert response.status_code == 400 and "one query" in response.text


def test_an_oversized_body_gets_413(server: str) -> None:
    padding = "#" + "x" * 20_000 + "\n"
    response = httpx.post(f"{server}/sparql", content=padding + NAME, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_a_bare_get_returns_the_service_description(server: str) -> None:
    response = httpx.get(f"{server}/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef(f"{server}/sparql")
    assert (endpoint, URIRef(sd + "endpoint"), endpoint) in graph
    assert (endpoint, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph


class Listener:
    """A local socket that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(5)
        self.socket.settimeout(0.2)
        self.connections = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}/sparql"

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=2)
        self.socket.close()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?s ?p ?o . service silent <{url}> {{ ?s ?p ?o }} }} LIMIT 1",
        "SELECT * WHERE {{ # a comment\n SERVICE\n<{url}> {{ ?s ?p ?o }} }}",
    ],
    ids=["service", "service-silent-lowercase", "service-after-comment"],
)
def test_service_is_refused_and_never_attempted(server: str, template: str) -> None:
    listener = Listener()
    try:
        response = httpx.get(f"{server}/sparql", params={"query": template.format(url=listener.url)})
    finally:
        listener.close()
    assert response.status_code == 400 and "SERVICE is not allowed" in response.text
    assert listener.connections == 0


def test_the_word_service_in_strings_and_iris_is_not_a_service_call(server: str) -> None:
    query = 'SELECT ?x WHERE { BIND("SERVICE <http://x/>" AS ?x) FILTER(?x != <http://example.org/SERVICE>) }'
    assert httpx.get(f"{server}/sparql", params={"query": query}).status_code == 200


@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
def test_from_a_local_file_is_refused(server: str, tmp_path: Path, clause: str) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://example.org/s> <http://example.org/p> "secret" .\n', encoding="utf-8")
    query = f"SELECT * {clause} <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}"
    response = httpx.get(f"{server}/sparql", params={"query": query})
    assert response.status_code == 400 and "FROM may only name the store's own graphs" in response.text
    assert "secret" not in response.text.replace(secret.as_uri(), "")


def test_from_a_graph_of_the_store_is_allowed(server: str) -> None:
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    query = f"SELECT ?name FROM <{BASE}source/uscirf-gulmira-imin> WHERE {{ ?p {label} ?name }}"
    response = httpx.get(f"{server}/sparql", params={"query": query})
    assert response.status_code == 200
    names = {r["name"]["value"] for r in response.json()["results"]["bindings"]}
    assert "Gulmira Imin" in names and "Ikram Nurmehmet" not in names


def test_the_openapi_document_describes_the_endpoint(server: str) -> None:
    document = httpx.get(f"{server}/openapi.json").json()
    assert {"get", "post"} <= set(document["paths"]["/sparql"])


def test_results_round_trip_as_json(server: str) -> None:
    response = httpx.get(f"{server}/sparql", params={"query": PARTNERS}, headers={"Accept": "application/json"})
    assert len(json.load(io.BytesIO(response.content))["results"]["bindings"]) == 6


@pytest.mark.parametrize("path", ["/", "/query", "/docs", "/person/gulmira-imin", "/ontology", "/search?q=imin", "/stats",
                                  "/explore?node=person/tahir-imin"])
def test_no_page_loads_anything_from_another_host(server: str, path: str) -> None:
    page = httpx.get(f"{server}{path}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    loaded = re.findall(r'<(?:script|img|iframe)[^>]*\ssrc="([^"]*)"|<link[^>]*\shref="([^"]*)"', page.text)
    assert loaded, "the page loads scripts or styles"
    for url in (src or href for src, href in loaded):
        assert url.startswith((f"{server}/", "/")) and not url.startswith("//"), f"{path} loads {url}"
