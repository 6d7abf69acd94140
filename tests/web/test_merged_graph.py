"""The default graph is the merge of the named graphs as a set: each triple once, however many sources state it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from conftest import BASE, copy_seeds
from graph.store.seam import Store
from web.test_writes import partner_document, send

WRITER = "writer-token-for-tests"
JSON = {"Accept": "application/sparql-results+json"}
GULMIRA = f"{BASE}person/gulmira-imin"


def distinct_triples(store: Store) -> set[tuple[ox.Term, ...]]:
    """The triples the named graphs state, as a set made here, not by the engine's default graph."""
    return {(q.subject, q.predicate, q.object) for q in store.oxigraph.quads_for_pattern(None, None, None)
            if isinstance(q.graph_name, ox.NamedNode)}


def rows(site: str, query: str) -> list[dict[str, dict[str, str]]]:
    answer = httpx.get(f"{site}/sparql", params={"query": query}, headers=JSON, timeout=60)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, dict[str, str]]] = answer.json()["results"]["bindings"]
    return found


def count(site: str) -> int:
    return int(rows(site, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"])


def stated(site: str) -> set[tuple[str, str, str]]:
    """The distinct triples of the named graphs, read through GRAPH ?g and merged here."""
    return {(r["s"]["value"], r["p"]["value"], r["o"]["type"] + r["o"]["value"] + r["o"].get("xml:lang", "")
             + r["o"].get("datatype", "")) for r in rows(site, "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")}


@pytest.fixture(scope="module")
def shipped(shipped_store_dir: Path, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    with serve(shipped_store_dir, max_rows=1_000_000) as url:
        yield url


def test_counting_every_triple_counts_each_once(shipped: str, shipped_store: Store) -> None:
    assert count(shipped) == len(distinct_triples(shipped_store))


def test_a_record_several_sources_state_has_no_duplicate_rows(shipped: str, shipped_store: Store) -> None:
    found = [(r["p"]["value"], r["o"]["value"]) for r in rows(shipped, f"SELECT * WHERE {{ <{GULMIRA}> ?p ?o }}")]
    expected = {t for t in distinct_triples(shipped_store) if t[0] == ox.NamedNode(GULMIRA)}
    sources = {q.graph_name for q in shipped_store.oxigraph.quads_for_pattern(ox.NamedNode(GULMIRA), None, None)}
    assert len(sources) > 1, "the record is stated by several sources, so duplicates could show"
    assert len(found) == len(set(found)) == len(expected)


def test_graph_ranges_over_the_named_graphs_alone(shipped: str, shipped_store: Store) -> None:
    graphs = rows(shipped, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    assert {r["g"]["value"] for r in graphs} == {g.value for g in shipped_store.oxigraph.named_graphs()}
    quads = int(rows(shipped, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]["value"])
    assert quads == sum(1 for _ in shipped_store.quads())


def test_void_counts_each_triple_once(shipped: str, shipped_store: Store) -> None:
    answer = httpx.get(f"{shipped}/.well-known/void", headers={"Accept": "text/turtle"}, timeout=60)
    graph = Graph().parse(data=answer.text, format="turtle")
    dataset = URIRef(f"{shipped}/.well-known/void#casegraph")
    assert (dataset, URIRef("http://rdfs.org/ns/void#triples"), Literal(len(distinct_triples(shipped_store)))) in graph


def test_the_whole_dumps_hold_the_named_graphs_once(shipped: str, shipped_store: Store) -> None:
    quads = list(ox.parse(httpx.get(f"{shipped}/dumps/casegraph.nq", timeout=60).content, format=ox.RdfFormat.N_QUADS))
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in quads), "the merged default graph is not written again"
    assert len(quads) == len(set(quads)) == sum(1 for _ in shipped_store.quads())
    triples = list(ox.parse(httpx.get(f"{shipped}/dumps/casegraph.nt", timeout=60).content, format=ox.RdfFormat.N_TRIPLES))
    assert {(t.subject, t.predicate, t.object) for t in triples} == distinct_triples(shipped_store)


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    root = tmp_path_factory.mktemp("merged")
    with serve(root / "store", sources=copy_seeds(root / "sources"), writable_sources=root / "written",
               audit_log=root / "audit.jsonl", writer_tokens={"ana": WRITER}, max_rows=100_000,
               max_request_bytes=20_000) as url:
        yield url


def test_a_write_restating_a_triple_then_withdrawn_keeps_the_count_right(writable: str) -> None:
    before = stated(writable)
    assert count(writable) == len(before)
    tahir = (f"{BASE}person/tahir-imin", "http://www.w3.org/2004/02/skos/core#prefLabel", "literalTahir Imin" + "en")
    assert tahir in before, "the partner document restates a triple a seed source states"
    assert send(writable, "POST", "/sources", partner_document("restating")).status_code == 201
    during = stated(writable)
    assert tahir in during and len(during) > len(before)
    assert count(writable) == len(during)
    assert len(rows(writable, f"SELECT * WHERE {{ <{BASE}person/tahir-imin> ?p ?o }}")) == \
        sum(1 for t in during if t[0] == f"{BASE}person/tahir-imin")
    assert send(writable, "DELETE", "/sources/restating", b"").status_code == 204
    assert stated(writable) == before
    assert count(writable) == len(before), "the restated triple stays once, the rest of the source goes"
    still = f"ASK {{ <{BASE}person/tahir-imin> <http://www.w3.org/2004/02/skos/core#prefLabel> \"Tahir Imin\"@en }}"
    assert httpx.get(f"{writable}/sparql", params={"query": still}, headers=JSON).json()["boolean"]
