"""A query past its time limit is really stopped, and the server goes on answering others."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from test_workers import children

from conftest import BASE
from graph.store.seam import Store
from stores import until

# Four-way cross product of every statement: billions of rows, far beyond any time limit.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
QUICK = "ASK { ?s ?p ?o }"
PREFIX = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
          "PREFIX cg: <https://w3id.org/casegraph/ontology#> ")


def running(pid: int) -> bool:
    """Whether a process is on a CPU now (state R in /proc): a worker computing a query."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "R"
    except (OSError, IndexError):  # it ended meanwhile
        return False


def test_a_runaway_query_is_stopped_with_503(server: str, query_timeout: float) -> None:
    started = time.monotonic()
    response = httpx.get(f"{server}/sparql", params={"query": RUNAWAY}, timeout=60)
    assert response.status_code == 503 and "was stopped" in response.text
    assert time.monotonic() - started < query_timeout + 15


def test_other_queries_are_answered_while_one_runs_away(server: str, query_timeout: float) -> None:
    slow: list[int] = []

    def runaway() -> None:
        slow.append(httpx.get(f"{server}/sparql", params={"query": RUNAWAY}, timeout=60).status_code)

    thread = threading.Thread(target=runaway)
    thread.start()
    until(lambda: any(running(pid) for pid in children()), "the runaway query never started running in a worker")
    started = time.monotonic()
    quick = httpx.get(f"{server}/sparql", params={"query": QUICK}, timeout=60)
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert time.monotonic() - started < query_timeout, "answered by the other worker, not after the runaway"
    thread.join()
    assert slow == [503]


def test_stopped_workers_are_replaced_so_runaways_cannot_exhaust_the_pool(server: str) -> None:
    # Two runaways in a row would leave both workers busy for good if they were not killed and replaced.
    for _ in range(2):
        assert httpx.get(f"{server}/sparql", params={"query": RUNAWAY}, timeout=60).status_code == 503
    answers: list[httpx.Response] = []

    def quick() -> None:
        answers.append(httpx.get(f"{server}/sparql", params={"query": QUICK}, timeout=60))

    threads = [threading.Thread(target=quick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200]


def test_a_query_past_the_memory_bound_is_stopped_and_the_next_is_answered(
        serve: Callable[..., AbstractContextManager[str]], store_dir: Path) -> None:
    # A cross product sorted whole before LIMIT applies: over 600 MB on the seed store, in well under a second.
    hog = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
    lookup = f"SELECT ?name WHERE {{ <{BASE}person/ikram-nurmehmet> skos:prefLabel ?name }}"
    # One worker, so that the lookup is answered by the worker that replaced the stopped one.
    with serve(store_dir, query_memory=128, query_timeout=30, query_workers=1) as url:
        stopped = httpx.get(f"{url}/sparql", params={"query": hog}, timeout=60)
        assert stopped.status_code == 422
        assert "needed more than 128 MB of memory and was stopped" in stopped.text
        answered = httpx.get(f"{url}/sparql", params={"query": lookup},
                             headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert answered.status_code == 200
        assert [row["name"]["value"] for row in answered.json()["results"]["bindings"]] == ["Ikram Nurmehmet"]


def test_a_result_over_the_row_cap_is_refused_with_422(server: str, max_rows: int, store: Store) -> None:
    assert len(list(store.quads())) > max_rows
    answer = httpx.get(f"{server}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=60)
    assert answer.status_code == 422
    assert f"more than {max_rows} rows" in answer.text and "LIMIT" in answer.text


def test_a_graph_over_the_cap_is_refused_too(server: str, max_rows: int) -> None:
    answer = httpx.get(f"{server}/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, timeout=60)
    assert answer.status_code == 422
    assert f"more than {max_rows} triples" in answer.text


def test_a_result_of_exactly_the_cap_is_answered_in_full(server: str, max_rows: int) -> None:
    query = f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {max_rows}"
    answer = httpx.get(f"{server}/sparql", params={"query": query},
                       headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert answer.status_code == 200
    assert len(answer.json()["results"]["bindings"]) == max_rows


@pytest.mark.parametrize("query", [
    # language-tagged and typed literals, IRIs, unbound variables
    "SELECT ?s ?label ?born WHERE { ?s rdfs:label ?label OPTIONAL { ?s cg:birthDate ?born } } ORDER BY ?s ?label",
    # blank nodes made by the query (triple terms are SPARQL 1.2 syntax, which the SPARQL 1.1 check refuses)
    "SELECT ?b ?n WHERE { BIND(BNODE('x') AS ?b) BIND(STRLEN('c') AS ?n) }",
    "SELECT * WHERE { } ",
    "ASK { ?s a cg:Person }",
])
def test_results_pass_through_the_workers_unchanged(server: str, store: Store, query: str) -> None:
    answer = httpx.get(f"{server}/sparql", params={"query": PREFIX + query},
                       headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert answer.status_code == 200, answer.text
    direct = store.query(PREFIX + query)
    expected = json.loads(direct.serialize(format=ox.QueryResultsFormat.JSON))
    got = answer.json()
    assert got.get("boolean") == expected.get("boolean")
    if "results" in expected:
        assert got["head"] == expected["head"]
        assert _without_bnode_labels(got["results"]["bindings"]) == _without_bnode_labels(expected["results"]["bindings"])
        assert expected["results"]["bindings"], "the query must have answers for the comparison to mean anything"


def _without_bnode_labels(bindings: list[dict[str, dict[str, str]]]) -> list[dict[str, dict[str, str]]]:
    return [{k: {**v, "value": "_"} if v["type"] == "bnode" else v for k, v in row.items()} for row in bindings]
