"""The named queries as an API, with variables bound as terms."""

from __future__ import annotations

import httpx

from conftest import BASE
from graph.query.queries import load_queries


def test_every_named_query_is_listed(server: str) -> None:
    listed = httpx.get(f"{server}/queries").json()
    assert [q["name"] for q in listed] == [q.name for q in load_queries()]
    assert all(q["title"] and q["description"] and q["url"].endswith("/queries/" + q["name"]) for q in listed)


def test_a_named_query_runs_with_content_negotiation(server: str) -> None:
    response = httpx.get(f"{server}/queries/tahir-imin-associates", headers={"Accept": "application/sparql-results+json"})
    assert len(response.json()["results"]["bindings"]) == 6
    csv = httpx.get(f"{server}/queries/tahir-imin-associates", headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.count("\n") == 7


def test_a_parameter_binds_a_returned_variable_to_an_iri(server: str) -> None:
    params = {"person": f"{BASE}person/ikram-nurmehmet"}
    rows = httpx.get(f"{server}/queries/current-custody", params=params).json()["results"]["bindings"]
    assert [r["facility"]["value"] for r in rows] == [f"{BASE}facility/urumqi-no-1-detention-center"]


def test_injection_through_a_parameter_is_only_ever_a_value(server: str) -> None:
    hostile = BASE + "person/x> ?p ?o } UNION { ?s ?p ?o"
    response = httpx.get(f"{server}/queries/current-custody", params={"person": hostile})
    assert response.status_code == 400 and "not a valid IRI" in response.text
    literal = httpx.get(f"{server}/queries/current-custody", params={"person": '" } ?s ?p ?o {'}).json()
    assert literal["results"]["bindings"] == [], "a string binds as a string literal, matching nothing"


def test_unknown_names_and_variables_are_clear_errors(server: str) -> None:
    assert httpx.get(f"{server}/queries/nothing").status_code == 404
    response = httpx.get(f"{server}/queries/current-custody", params={"nope": "x"})
    assert response.status_code == 400 and "does not return" in response.text
