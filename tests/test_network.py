"""The networks are derived exactly from the store, and their paths are explained by what the sources state."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from casegraph import netformats
from casegraph.errors import NotFound, UsageError
from casegraph.network import Network, build_views, ego, measures, path_network, paths, resolve
from casegraph.search import SearchIndex
from casegraph.store import CaseStore
from conftest import BASE

TAHIR, GULMIRA, IKRAM = (f"{BASE}person/{name}" for name in ("tahir-imin", "gulmira-imin", "ikram-nurmehmet"))
COURT = f"{BASE}court/urumqi-intermediate-peoples-court"
CG = "https://w3id.org/casegraph/ontology#"


@pytest.fixture(scope="module")
def views(store: CaseStore) -> dict[str, Network]:
    return build_views(store)


def _partners(store: CaseStore) -> set[str]:
    """Tahir Imin's business partners, asked of the store directly, in either direction."""
    query = f"SELECT ?p WHERE {{ {{ <{TAHIR}> cg:businessPartner ?p }} UNION {{ ?p cg:businessPartner <{TAHIR}> }} }}"
    return {row["p"].value for row in store.select(query)}


def test_tahir_imins_people_network_is_exactly_his_six_partners(views: dict[str, Network], store: CaseStore) -> None:
    partners = _partners(store)
    assert len(partners) == 6
    network = ego(views["people"], [TAHIR], depth=1)
    assert set(network) == {TAHIR} | partners
    kinds = {data["kind"] for *_, data in network.edges(data=True)}
    assert kinds == {"businessPartner", "speaker", "accordingTo"}, "the tie, what he said of them, his account of their verdicts"


def test_every_edge_of_his_network_carries_the_source_that_states_it(views: dict[str, Network], store: CaseStore) -> None:
    for a, b, data in ego(views["all"], [TAHIR], depth=1).edges(data=True):
        assert data["sources"], (a, b, data)
        for source in data["sources"]:
            graph = ox.NamedNode(source)
            subject, obj = ox.NamedNode(data["subject"]), ox.NamedNode(data["object"])
            via = ox.NamedNode(data["via"]) if data["via"] else subject
            stated = [q for q in store.oxigraph.quads_for_pattern(via, None, None, graph)
                      if q.object in (subject, obj)] + list(store.oxigraph.quads_for_pattern(subject, None, obj, graph))
            assert stated, f"{source} states nothing linking {data['subject']} and {data['object']}"


def test_what_the_sources_link_to_his_partners(views: dict[str, Network], store: CaseStore) -> None:
    partners = _partners(store)
    network = ego(views["all"], sorted(partners), depth=1)
    courts = {n for n in network if network.nodes[n]["class"] == "Court"}
    charges = {network.nodes[n]["label"] for n in network if network.nodes[n]["class"] == "Charge"}
    assert courts == {COURT}
    assert charges == {"separatism"}
    assert TAHIR in network


def test_a_shared_surname_is_not_a_link(views: dict[str, Network]) -> None:
    found = paths(views["people"], GULMIRA, TAHIR, max_length=6)
    assert found["connected"] is False and found["paths"] == []


def test_gulmira_imin_and_tahir_imin_meet_through_the_court_and_it_is_explained(views: dict[str, Network]) -> None:
    found = paths(views["all"], GULMIRA, TAHIR, max_length=3)
    assert found["connected"]
    first = found["shortest"][0]
    assert [hop["from"] for hop in first][:2] == [GULMIRA, COURT]
    court_link = first[0]["links"][0]
    assert court_link["kind"] == "court" and court_link["label"] == "court (verdict)"
    assert court_link["via"] == f"{BASE}event/gulmira-imin-verdict"
    assert court_link["sources"] == [f"{BASE}source/uscirf-gulmira-imin"]
    assert first[1]["links"][0]["sources"] == [f"{BASE}source/hrw-ikram-nurmehmet"]
    assert {link["kind"] for link in first[2]["links"]} >= {"businessPartner"}


def test_the_shared_view_joins_people_tried_by_one_court(views: dict[str, Network]) -> None:
    shared = views["shared"]
    links = shared.get_edge_data(GULMIRA, IKRAM)
    assert links is not None
    assert {(d["kind"], d["via"]) for d in links.values()} == {("shared-court", COURT)}


def test_views_follow_the_store(store: CaseStore) -> None:
    copy = CaseStore.in_memory(BASE)
    copy.add(store.quads())
    graph = ox.NamedNode(f"{BASE}source/test-only")
    # A test-only source stating a tie no real source states; the view must pick it up.
    copy.add([ox.Quad(ox.NamedNode(GULMIRA), ox.NamedNode(CG + "associate"), ox.NamedNode(TAHIR), graph)])
    before, after = build_views(store), build_views(copy)
    assert not paths(before["people"], GULMIRA, TAHIR)["connected"]
    found = paths(after["people"], GULMIRA, TAHIR, max_length=1)
    assert found["connected"] and found["paths"][0][0]["links"][0]["sources"] == [graph.value]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_round_trip_through_networkx(views: dict[str, Network], fmt: str) -> None:
    network = ego(views["all"], [TAHIR], depth=2)
    data = netformats.write(network, fmt)
    read = nx.read_graphml(io.BytesIO(data)) if fmt == "graphml" else nx.read_gexf(io.BytesIO(data))
    assert set(read.nodes) == set(network.nodes)
    assert read.number_of_edges() == network.number_of_edges()
    labels = {n: read.nodes[n].get("label") for n in read}
    assert labels[TAHIR] == "Tahir Imin"
    kinds = sorted(d.get("kind") for *_, d in read.edges(data=True))
    assert kinds == sorted(d["kind"] for *_, d in network.edges(data=True))


def test_node_link_and_cytoscape_json_hold_every_node_and_edge(views: dict[str, Network]) -> None:
    network = ego(views["all"], [TAHIR], depth=1)
    assert len(netformats.node_link(network)["edges"]) == network.number_of_edges()
    elements = netformats.cytoscape(network)["elements"]
    assert {e["data"]["id"] for e in elements["nodes"]} == set(network)
    assert len({e["data"]["id"] for e in elements["edges"]}) == network.number_of_edges()


def test_a_png_is_drawn(views: dict[str, Network], tmp_path: Path) -> None:
    data = netformats.write(ego(views["people"], [TAHIR]), "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_measures(views: dict[str, Network]) -> None:
    result = measures(views["people"])
    assert result["nodes"] == views["people"].number_of_nodes()
    assert sum(c["size"] for c in result["components"]) == result["nodes"]
    assert sum(c["size"] for c in result["communities"]) == result["nodes"]
    tahir = next(entry for entry in measures(views["people"], top=100)["degree"] if entry["node"] == TAHIR)
    assert tahir["score"] == round(6 / (result["nodes"] - 1), 6), "tied to his six partners and no one else"
    tahir_component = next(c for c in result["components"] if TAHIR in {n["node"] for n in c["nodes"]})
    assert {n["node"] for n in tahir_component["nodes"]} >= {TAHIR, f"{BASE}person/tahir-imin-business-partner-1"}


def test_nodes_by_iri_path_or_unambiguous_name(views: dict[str, Network], store: CaseStore) -> None:
    search = SearchIndex(store)
    assert resolve(views["all"], search, TAHIR, BASE) == TAHIR
    assert resolve(views["all"], search, "person/tahir-imin", BASE) == TAHIR
    assert resolve(views["all"], search, "Tahir Imin", BASE) == TAHIR
    with pytest.raises(UsageError, match="names .* nodes; give one by its IRI"):
        resolve(views["all"], search, "business partner", BASE)
    with pytest.raises(NotFound, match="nothing named"):
        resolve(views["all"], search, "nobody at all", BASE)


def test_paths_of_a_network_are_a_network(views: dict[str, Network]) -> None:
    found = paths(views["all"], GULMIRA, TAHIR, max_length=3)
    part = path_network(views["all"], found)
    assert {GULMIRA, COURT, TAHIR} <= set(part)
