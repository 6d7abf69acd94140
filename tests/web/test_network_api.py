"""The network API over HTTP: views, ego networks, explained paths and measures, in every format."""

from __future__ import annotations

import io

import httpx
import networkx as nx
import pytest

from conftest import BASE

TAHIR, GULMIRA = f"{BASE}person/tahir-imin", f"{BASE}person/gulmira-imin"


def test_views_are_listed_with_their_size_and_kinds(server: str) -> None:
    views = {v["name"]: v for v in httpx.get(f"{server}/graph/views").json()}
    assert set(views) == {"people", "cases", "shared", "all"}
    assert "businessPartner" in views["people"]["kinds"] and "court" in views["cases"]["kinds"]
    whole = httpx.get(views["people"]["url"], params={"format": "json"}).json()
    assert len(whole["nodes"]) == views["people"]["nodes"] and len(whole["edges"]) == views["people"]["edges"]


def test_tahir_imins_associates_by_name(server: str) -> None:
    answer = httpx.get(f"{server}/graph/ego", params={"node": "Tahir Imin", "view": "people", "kinds": "businessPartner"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    nodes = {n["id"] for n in answer.json()["nodes"]}
    assert nodes == {TAHIR} | {f"{BASE}person/tahir-imin-business-partner-{i}" for i in range(1, 7)}


@pytest.mark.parametrize("fmt, media_type, reader", [
    ("graphml", "application/graphml+xml", nx.read_graphml),
    ("gexf", "application/gexf+xml", nx.read_gexf),
])
def test_graphml_and_gexf_by_accept_and_by_format(server: str, fmt: str, media_type: str, reader: object) -> None:
    params = {"node": "person/tahir-imin", "depth": "2"}
    by_accept = httpx.get(f"{server}/graph/ego", params=params, headers={"Accept": media_type})
    by_format = httpx.get(f"{server}/graph/ego", params={**params, "format": fmt})
    assert by_accept.headers["content-type"].startswith(media_type) and by_accept.content == by_format.content
    assert "attachment" in by_accept.headers["content-disposition"]
    read = reader(io.BytesIO(by_accept.content))  # type: ignore[operator]
    node_link = httpx.get(f"{server}/graph/ego", params={**params, "format": "json"}).json()
    assert set(read.nodes) == {n["id"] for n in node_link["nodes"]}
    assert read.number_of_edges() == len(node_link["edges"])


def test_cytoscape_elements(server: str) -> None:
    data = httpx.get(f"{server}/graph/ego", params={"node": TAHIR, "format": "cytoscape"}).json()
    assert TAHIR in {n["data"]["id"] for n in data["elements"]["nodes"]}
    assert all({"source", "target", "sources", "kind"} <= set(e["data"]) for e in data["elements"]["edges"])


def test_no_relationship_path_but_a_court_path_explained(server: str) -> None:
    people = httpx.get(f"{server}/graph/path", params={"source": GULMIRA, "target": TAHIR, "view": "people"}).json()
    assert people["connected"] is False
    found = httpx.get(f"{server}/graph/path", params={"source": "Gulmira Imin", "target": "Tahir Imin", "max_length": 3}).json()
    first_hop = found["shortest"][0][0]
    assert first_hop["to_label"] == "Urumqi Intermediate People's Court"
    assert first_hop["links"][0]["label"] == "court (verdict)"
    assert first_hop["links"][0]["sources"] == [f"{BASE}source/uscirf-gulmira-imin"]
    part = httpx.get(f"{server}/graph/path", params={"source": GULMIRA, "target": TAHIR, "max_length": 3, "format": "graphml"})
    assert {GULMIRA, TAHIR} <= set(nx.read_graphml(io.BytesIO(part.content)).nodes)


def test_stats(server: str) -> None:
    stats = httpx.get(f"{server}/graph/stats", params={"view": "people"}).json()
    assert stats["view"] == "people" and stats["nodes"] > 7
    assert {"components", "degree", "betweenness", "eigenvector", "communities"} <= set(stats)


@pytest.mark.parametrize("params, status, message", [
    ({"node": "nobody at all"}, 404, "nothing named"),
    ({"node": "business partner"}, 400, "give one by its IRI"),
    ({"node": "https://example.org/x"}, 404, "is not in the all network"),
    ({"node": TAHIR, "kinds": "friendship"}, 400, "no edges of kind friendship"),
    ({"node": TAHIR, "view": "everything"}, 404, "the views are people, cases, shared, all"),
    ({"node": TAHIR, "depth": "9"}, 422, "depth"),
    # A bad parameter (400), not a matter of the Accept header (406).
    ({"node": TAHIR, "format": "pdf"}, 400, "format must be one of"),
])
def test_helpful_errors(server: str, params: dict[str, str], status: int, message: str) -> None:
    answer = httpx.get(f"{server}/graph/ego", params=params)
    assert answer.status_code == status and message in answer.text
    assert "Traceback" not in answer.text


def test_entity_pages_link_to_the_explorer_and_the_home_page_shows_the_example(server: str) -> None:
    page = httpx.get(f"{server}/person/gulmira-imin", headers={"Accept": "text/html"}).text
    assert 'href="/explore?node=https%3A//w3id.org/casegraph/person/gulmira-imin"' in page
    assert 'href="/explore?node=person/tahir-imin"' in httpx.get(f"{server}/").text
