"""The service on a remote SPARQL store (two servers of one kind, the Oxigraph server or Virtuoso: the public dataset and
the full one), through real clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper
from test_remote_build import RESTRICTED, SECRET, ask, graph_counts, holds_secret, merged_count

from conftest import BASE, REMOTE_KINDS, copy_seeds
from graph.editions.build import RemoteDatasets, build
from graph.store.opening import open_store
from stores import SparqlServer, remote_settings, sparql_server

READER, WRITER = "remote-reader-token", "remote-writer-token"
DOCUMENT = """\
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<source/remote-report> a cg:SourceDocument ; skos:prefLabel "Remote report"@en ; dcterms:title "Remote report"@en ;
    dcterms:publisher <organisation/remote-publisher> ; cg:sourceKind cg:source-news-release ;
    cg:addressStatus cg:address-unconfirmed .
<organisation/remote-publisher> a cg:NonGovernmentalOrganisation ; skos:prefLabel "Remote publisher"@en ;
    cg:source <source/remote-report> .
<person/qxremote> a cg:Person ; skos:prefLabel "Qxremote"@en ; cg:source <source/remote-report> .
<sentence/qxremote-3-years> a cg:Sentence ; skos:prefLabel "3 years (Qxremote)"@en ; cg:source <source/remote-report> ;
    cg:concerns <person/qxremote> ; cg:penalty cg:penalty-fixed-term ; cg:term "P3Y"^^xsd:yearMonthDuration .
"""
WITNESS = f"{BASE}person/{SECRET.lower()}"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


Stores = tuple[SparqlServer, SparqlServer, Path]


@pytest.fixture(scope="module", params=REMOTE_KINDS)
def stores(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    """The two datasets, built from the seeds and a restricted statement by `build` itself, and the local store folder."""
    directory = tmp_path_factory.mktemp("remote")
    sources = copy_seeds(directory / "sources")
    (sources / "remote-witness.trig").write_text(RESTRICTED, encoding="utf-8")
    with sparql_server(request.param, directory / "public-db") as public, \
            sparql_server(request.param, directory / "full-db") as full:
        build(sources, directory / "store", BASE, remote=RemoteDatasets(public.endpoints("public"), full.endpoints("full")))
        yield public, full, directory / "store"


@pytest.fixture(scope="module")
def site(stores: Stores, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    public, full, store = stores
    settings = remote_settings(public) | remote_settings(full, "full_")
    with serve(store, reader_tokens={"reader": READER}, writer_tokens={"writer": WRITER}, **settings) as url:
        yield url


def _select(endpoint: str, query: str, token: str | None = None) -> list[dict[str, dict[str, str]]]:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    if token:
        client.addCustomHttpHeader("Authorization", f"Bearer {token}")
    rows: list[dict[str, dict[str, str]]] = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index, call-overload]
    return rows


def test_a_real_client_gets_through_casegraph_what_the_store_answers(site: str, stores: Stores) -> None:
    public, _, _ = stores
    query = "SELECT ?person ?name WHERE { ?person a <https://w3id.org/casegraph/ontology#Person> ; " \
            "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name } ORDER BY ?person ?name"
    through = _select(f"{site}/sparql", query)
    assert through and through == ask(public, query)
    assert any(row["name"]["value"] == "Gulmira Imin" for row in through)


@pytest.mark.parametrize("query", [
    f"BASE <{BASE}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "SELECT ?name WHERE { <person/gulmira-imin> skos:prefLabel ?name }",
    "SELECT ?name WHERE { <person/gulmira-imin> skos:prefLabel ?name }",
    "PREFIX label: <http://www.w3.org/2004/02/skos/core#prefLabel>\n"
    "SELECT ?name WHERE { <person/gulmira-imin> label: ?name ; a cg:Person }",
], ids=["its own base and prefixes", "casegraph's base and prefixes", "a prefix of its own and one of casegraph's"])
def test_a_query_is_answered_with_its_own_prologue_or_casegraphs(site: str, query: str) -> None:
    assert "Gulmira Imin" in {row["name"]["value"] for row in _select(f"{site}/sparql", query)}


def test_rdflibs_sparql_store_reads_graphs_and_answers_ask(site: str) -> None:
    store = SPARQLStore(f"{site}/sparql", returnFormat="json")
    person = rdflib.URIRef(f"{BASE}person/gulmira-imin")
    constructed = store.query(f"CONSTRUCT {{ <{person}> ?p ?o }} WHERE {{ <{person}> ?p ?o }}")
    assert constructed.graph is not None and len(constructed.graph) > 3
    assert bool(store.query(f"ASK {{ <{person}> ?p ?o }}").askAnswer)


def test_restricted_facts_come_from_the_full_dataset_and_only_with_a_token(site: str, stores: Stores) -> None:
    query = f"SELECT ?name WHERE {{ <{WITNESS}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }}"
    assert _select(f"{site}/sparql", query) == []
    assert [row["name"]["value"] for row in _select(f"{site}/sparql", query, READER)] == [SECRET]
    assert holds_secret(stores[1]) and not holds_secret(stores[0])
    assert httpx.get(f"{site}/person/{SECRET.lower()}").status_code == 404
    assert httpx.get(f"{site}/person/{SECRET.lower()}", headers={"Authorization": f"Bearer {READER}"}).status_code == 200


def test_pages_search_and_networks_are_served_from_the_remote_store(site: str) -> None:
    page = httpx.get(f"{site}/person/gulmira-imin", headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and "Gulmira Imin" in page.text
    turtle = rdflib.Graph().parse(data=httpx.get(f"{site}/person/gulmira-imin.ttl", timeout=60).text, format="turtle")
    assert (rdflib.URIRef(f"{BASE}person/gulmira-imin"), None, None) in turtle
    hits = httpx.get(f"{site}/search", params={"q": "gulmira", "format": "json"}, timeout=60).json()["results"]
    assert hits[0]["iri"] == f"{BASE}person/gulmira-imin"
    ego = httpx.get(f"{site}/graph/ego", params={"node": "person/gulmira-imin", "depth": "1"},
                    headers={"Accept": "application/json"}, timeout=60)
    assert ego.status_code == 200 and any(node["id"].endswith("person/gulmira-imin") for node in ego.json()["nodes"])
    for path in ("/", "/.well-known/void", "/stats"):
        assert httpx.get(f"{site}{path}", timeout=120).status_code == 200, path


@pytest.mark.parametrize(("params", "status", "says"), [
    ({"query": "SELECT * WHERE {"}, 400, "SPARQL"),
    ({"query": "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"}, 400, "SERVICE"),
    ({"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"}, 422, "more than"),
])
def test_bad_or_oversized_queries_are_refused_with_a_4xx(site: str, params: dict[str, str], status: int, says: str) -> None:
    answer = httpx.get(f"{site}/sparql", params=params, timeout=60)
    assert answer.status_code == status and says in answer.text and "Traceback" not in answer.text


def test_a_runaway_query_is_given_up_at_the_time_limit(site: str, query_timeout: float) -> None:
    answer = httpx.get(f"{site}/sparql", params={"query": RUNAWAY}, timeout=60)
    assert answer.status_code == 503 and f"longer than {query_timeout:g} s" in answer.text


def test_a_write_reaches_the_store_as_a_build_from_the_same_files_would(site: str, stores: Stores, tmp_path: Path) -> None:
    public, full, store = stores
    body = DOCUMENT.encode()
    answer = httpx.post(f"{site}/sources", content=body, timeout=60,
                        headers={"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"})
    assert answer.status_code == 201, answer.text
    page = httpx.get(f"{site}/person/qxremote", headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and "Qxremote" in page.text
    # The dataset now holds what a build from the files, the one written included, puts in a store.
    build([store.parent / "sources", store.parent / "written"], tmp_path / "embedded", BASE)
    embedded = open_store(tmp_path / "embedded", BASE, read_only=True)
    assert graph_counts(public) == {g.value: embedded.count(g) for g in [*embedded.source_graphs(), embedded.catalog,
                                                                          embedded.ontology]}
    assert merged_count(public) == len(embedded)
    gone = httpx.delete(f"{site}/sources/remote-report", headers={"Authorization": f"Bearer {WRITER}"}, timeout=60)
    assert gone.status_code == 204
    assert httpx.get(f"{site}/person/qxremote", timeout=60).status_code == 404
    assert f"{BASE}source/remote-report" not in graph_counts(public) | graph_counts(full)


def test_the_protocols_dataset_reaches_the_store_as_casegraph_checked_it(site: str) -> None:
    source = f"{BASE}source/hrw-ikram-nurmehmet"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    def count(**dataset: str) -> int:
        answer = httpx.get(f"{site}/sparql", params={"query": query, **dataset}, timeout=60,
                           headers={"Accept": "application/sparql-results+json"})
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])

    whole, one = count(), count(**{"default-graph-uri": source})
    assert 0 < one < whole, "the default graph is the one source's graph alone"
    refused = httpx.get(f"{site}/sparql", params={"query": query, "default-graph-uri": f"{BASE}source/none"}, timeout=60)
    assert refused.status_code == 400 and "not a graph of this store" in refused.text


@pytest.mark.parametrize("query", [
    "SELECT ?p ?o WHERE { GRAPH <source/hrw-ikram-nurmehmet> { <person/ikram-nurmehmet> ?p ?o } } ORDER BY ?p ?o",
    "SELECT ?person WHERE { ?person a cg:Person FILTER EXISTS { GRAPH <source/uscirf-gulmira-imin> { ?person ?p ?o } } } "
    "ORDER BY ?person",
    f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <person/gulmira-imin> ?p ?o }} "
    f"FILTER(STRSTARTS(STR(?g), '{BASE}source/')) }} GROUP BY ?g ORDER BY ?g",
], ids=["a graph named by its IRI", "one within EXISTS", "graphs bound to a variable"])
def test_a_readers_query_of_a_sources_graph_is_answered_as_on_the_embedded_store(site: str, server: str, query: str) -> None:
    remote, embedded = (_select(f"{url}/sparql", query) for url in (site, server))
    assert remote and remote == embedded


def test_a_named_querys_parameters_are_refused_plainly(site: str) -> None:
    answer = httpx.get(f"{site}/queries/overdue-releases", params={"today": "2024-01-01"}, timeout=60)
    assert answer.status_code == 400 and "cannot be sent to a remote SPARQL store" in answer.text
    assert httpx.get(f"{site}/queries/overdue-releases", timeout=60).status_code == 200


def test_durations_come_back_as_the_sources_give_them(site: str, server: str) -> None:
    """Virtuoso gives a duration back as its number of months ("P12Y" as "144"); casegraph gives the duration."""
    query = ("SELECT ?sentence ?p ?term WHERE { ?sentence ?p ?term FILTER(DATATYPE(?term) = xsd:yearMonthDuration) } "
             "ORDER BY ?sentence ?p")
    remote, embedded = (_select(f"{url}/sparql", query) for url in (site, server))
    assert remote == embedded and {"P12Y", "P15Y"} <= {row["term"]["value"] for row in remote}
    constructed = query.replace("SELECT ?sentence ?p ?term", "CONSTRUCT { ?sentence ?p ?term }").split(" ORDER BY")[0]
    remote_graph, embedded_graph = (rdflib.Graph().parse(data=httpx.get(
        f"{url}/sparql", params={"query": constructed}, headers={"Accept": "application/n-triples"}, timeout=60).text,
        format="nt") for url in (site, server))
    assert len(remote_graph) == len(remote) and isomorphic(remote_graph, embedded_graph)
    dumped = rdflib.Dataset()
    dumped.parse(data=httpx.get(f"{site}/dumps/casegraph.nq", timeout=120).content, format="nquads")
    terms = set(remote_graph.objects())
    assert {(s, p, o) for s, p, o, _ in dumped.quads() if o in terms} == set(remote_graph)


def test_dumps_hold_what_the_store_holds_and_no_restricted_source(site: str, stores: Stores) -> None:
    listed = {entry["file"] for entry in httpx.get(f"{site}/dumps", timeout=60).json()}
    assert {"casegraph.nq", "uscirf-gulmira-imin.trig"} <= listed and not any("remote-witness" in name for name in listed)
    dumped = rdflib.Dataset()
    dumped.parse(data=httpx.get(f"{site}/dumps/casegraph.nq", timeout=120).content, format="nquads")
    in_store = graph_counts(stores[0])
    assert {str(graph.identifier): len(graph) for graph in dumped.graphs() if len(graph)} == in_store
    assert SECRET.encode() not in httpx.get(f"{site}/dumps/casegraph.nq", timeout=120).content


@pytest.mark.parametrize("path", ["/person/gulmira-imin", "/source/hrw-ikram-nurmehmet", "/stats"])
def test_pages_read_from_the_remote_store_are_the_embedded_stores(site: str, server: str, path: str) -> None:
    """The page queries run on the store itself: a store that reads one of them otherwise shows another page."""
    remote, embedded = (httpx.get(f"{url}{path}", headers={"Accept": "text/html"}, timeout=60) for url in (site, server))
    assert remote.status_code == embedded.status_code == 200
    assert remote.text.replace(site, "") == embedded.text.replace(server, "")


def test_a_restricted_write_without_a_full_dataset_is_refused_and_changes_nothing(
        tmp_path: Path, serve: Callable[..., AbstractContextManager[str]]) -> None:
    sources = copy_seeds(tmp_path / "sources")
    with sparql_server("oxigraph-server", tmp_path / "db") as public:
        build(sources, tmp_path / "store", BASE, remote=RemoteDatasets(public.endpoints()))
        before = graph_counts(public)
        with serve(tmp_path / "store", writer_tokens={"writer": WRITER}, **remote_settings(public)) as url:
            hidden = DOCUMENT.replace("cg:addressStatus cg:address-unconfirmed .",
                                      "cg:addressStatus cg:address-unconfirmed ; cg:restricted true .")
            answer = httpx.post(f"{url}/sources", content=hidden.encode(), timeout=60,
                                headers={"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"})
            assert answer.status_code == 409 and "CASEGRAPH_FULL_SPARQL_" in answer.text, answer.text
            assert httpx.get(f"{url}/person/qxremote", timeout=60).status_code == 404
        assert graph_counts(public) == before and not (tmp_path / "written" / "remote-report.trig").exists()


def test_a_write_too_large_for_the_store_is_refused_whole_and_names_no_store(
        stores: Stores, serve: Callable[..., AbstractContextManager[str]], tmp_path: Path) -> None:
    """Virtuoso 7.2 runs out of memory compiling an INSERT DATA of 6,000 facts (SP030); the Oxigraph server takes it.
    Refused, the write leaves the store as it was and tells the writer nothing of where the store is."""
    public, full, store = stores
    people = "".join(f'<person/qxbulk-{n}> a cg:Person ; skos:prefLabel "Qxbulk {n}"@en ; '
                     f"cg:source <source/remote-report> .\n" for n in range(2_000))
    before = graph_counts(public), graph_counts(full)
    # A front-end of its own beside the module's: its own folder (empty, so it attaches), the same files.
    shared = {name: store.parent / folder for name, folder in (("sources", "sources"), ("writable_sources", "written"),
                                                                ("drafts", "drafts"), ("audit_log", "audit.jsonl"))}
    settings = remote_settings(public) | remote_settings(full, "full_") | shared
    with serve(tmp_path / "store", writer_tokens={"writer": WRITER}, max_request_bytes=1_000_000, **settings) as site:
        answer = httpx.post(f"{site}/sources", content=(DOCUMENT + people).encode(), timeout=120,
                            headers={"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"})
        page = httpx.get(f"{site}/person/qxbulk-1999", timeout=60)
        if not public.union:
            assert answer.status_code == 201 and page.status_code == 200, answer.text
            assert httpx.delete(f"{site}/sources/remote-report", headers={"Authorization": f"Bearer {WRITER}"},
                                timeout=60).status_code == 204
            return
        assert answer.status_code == 502 and "failure has been logged" in answer.text, answer.text
        assert "127.0.0.1" not in answer.text and "Virtuoso" not in answer.text
        assert page.status_code == 404 and (graph_counts(public), graph_counts(full)) == before
    assert not (store.parent / "written" / "remote-report.trig").exists()
