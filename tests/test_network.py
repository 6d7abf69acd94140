"""The networks are derived exactly from the store, and their paths are explained by what the sources state."""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest

from conftest import BASE
from graph.errors import NotFound, TooLarge, UsageError
from graph.namespaces import local_name
from graph.network import formats as netformats
from graph.network import network
from graph.network.build import node_table
from graph.network.network import (
    Network,
    View,
    build_views,
    ego,
    ego_node_link,
    explained_paths,
    kinds_of,
    measures,
    path_network,
    paths,
    paths_part,
    resolve,
    whole,
)
from graph.search.textindex import SearchIndex
from graph.store.opening import memory_store
from graph.store.seam import Store
from service.errors import status_of

TAHIR, GULMIRA, IKRAM = (f"{BASE}person/{name}" for name in ("tahir-imin", "gulmira-imin", "ikram-nurmehmet"))
COURT = f"{BASE}court/urumqi-intermediate-peoples-court"
CG = "https://w3id.org/casegraph/ontology#"


@pytest.fixture(scope="module")
def views(store: Store) -> dict[str, View]:
    return build_views(store)


def _oracle_kinds(graph: Network) -> list[str]:
    """The edge kinds of a networkx oracle."""
    return sorted({data["kind"] for _, _, data in graph.edges(data=True)})


def _oracle_only(graph: Network, kinds: list[str] | None) -> Network:
    """The oracle with only edges of these kinds (all of them when none are given)."""
    if not kinds:
        return graph
    chosen = [(a, b, k) for a, b, k, data in graph.edges(keys=True, data=True) if data["kind"] in kinds]
    return graph.edge_subgraph(chosen)  # type: ignore[arg-type]  # a multigraph takes (u, v, key) triples


def _oracle_ego(graph: Network, nodes: list[str], depth: int, kinds: list[str] | None) -> Network:
    """The ego network of a networkx oracle, by networkx's own shortest path lengths."""
    wanted = set(kinds or ())
    filtered = nx.subgraph_view(graph, filter_edge=lambda a, b, key: not wanted or graph.edges[a, b, key]["kind"] in wanted)
    reached = set(nodes)
    for node in nodes:
        reached.update(nx.single_source_shortest_path_length(filtered, node, cutoff=depth))
    result: Network = nx.MultiGraph(filtered.subgraph(reached), **graph.graph)
    for node in nodes:  # a node with no edges of the kinds asked for is still shown, alone
        result.add_node(node, **graph.nodes[node])
    return result


def _oracle_paths(graph: Network, source: str, target: str, max_length: int, kinds: list[str] | None) -> dict[str, Any]:
    """The explained paths of a networkx oracle, searched over the whole of it."""
    return explained_paths(graph, nx.Graph(_oracle_only(graph, kinds)), source, target, max_length)


def _partners(store: Store) -> set[str]:
    """Tahir Imin's business partners, asked of the store directly, in either direction."""
    query = f"SELECT ?p WHERE {{ {{ <{TAHIR}> cg:businessPartner ?p }} UNION {{ ?p cg:businessPartner <{TAHIR}> }} }}"
    return {row["p"].value for row in store.select(query)}


def test_tahir_imins_people_network_is_exactly_his_six_partners(views: dict[str, View], store: Store) -> None:
    partners = _partners(store)
    assert len(partners) == 6
    network = ego(views["people"], [TAHIR], depth=1)
    assert set(network) == {TAHIR} | partners
    kinds = {data["kind"] for *_, data in network.edges(data=True)}
    assert kinds == {"businessPartner", "speaker", "accordingTo"}, "the tie, what he said of them, his account of their verdicts"


def test_every_edge_of_his_network_carries_the_source_that_states_it(views: dict[str, View], store: Store) -> None:
    for a, b, data in ego(views["all"], [TAHIR], depth=1).edges(data=True):
        assert data["sources"], (a, b, data)
        for source in data["sources"]:
            graph = ox.NamedNode(source)
            subject, obj = ox.NamedNode(data["subject"]), ox.NamedNode(data["object"])
            via = ox.NamedNode(data["via"]) if data["via"] else subject
            stated = [q for q in store.oxigraph.quads_for_pattern(via, None, None, graph)
                      if q.object in (subject, obj)] + list(store.oxigraph.quads_for_pattern(subject, None, obj, graph))
            assert stated, f"{source} states nothing linking {data['subject']} and {data['object']}"


def test_what_the_sources_link_to_his_partners(views: dict[str, View], store: Store) -> None:
    partners = _partners(store)
    network = ego(views["all"], sorted(partners), depth=1)
    courts = {n for n in network if network.nodes[n]["class"] == "Court"}
    charges = {network.nodes[n]["label"] for n in network if network.nodes[n]["class"] == "Charge"}
    assert courts == {COURT}
    assert charges == {"separatism"}
    assert TAHIR in network


def test_a_shared_surname_is_not_a_link(views: dict[str, View]) -> None:
    found = paths(views["people"], GULMIRA, TAHIR, max_length=6)
    assert found["connected"] is False and found["paths"] == []


def test_gulmira_imin_and_tahir_imin_meet_through_the_court_and_it_is_explained(views: dict[str, View]) -> None:
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


def test_the_shared_view_joins_people_tried_by_one_court(views: dict[str, View]) -> None:
    shared = whole(views["shared"])
    links = shared.get_edge_data(GULMIRA, IKRAM)
    assert links is not None
    assert {(d["kind"], d["via"]) for d in links.values()} == {("shared-court", COURT)}


def test_views_follow_the_store(store: Store) -> None:
    copy = memory_store(BASE)
    copy.add(store.quads())
    graph = ox.NamedNode(f"{BASE}source/test-only")
    # A test-only source stating a tie no real source states; the view must pick it up.
    copy.add([ox.Quad(ox.NamedNode(GULMIRA), ox.NamedNode(CG + "associate"), ox.NamedNode(TAHIR), graph)])
    before, after = build_views(store), build_views(copy)
    assert not paths(before["people"], GULMIRA, TAHIR)["connected"]
    found = paths(after["people"], GULMIRA, TAHIR, max_length=1)
    assert found["connected"] and found["paths"][0][0]["links"][0]["sources"] == [graph.value]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_round_trip_through_networkx(views: dict[str, View], fmt: str) -> None:
    network = ego(views["all"], [TAHIR], depth=2)
    data = netformats.write(network, fmt)
    read = nx.read_graphml(io.BytesIO(data)) if fmt == "graphml" else nx.read_gexf(io.BytesIO(data))
    assert set(read.nodes) == set(network.nodes)
    assert read.number_of_edges() == network.number_of_edges()
    labels = {n: read.nodes[n].get("label") for n in read}
    assert labels[TAHIR] == "Tahir Imin"
    kinds = sorted(d.get("kind") for *_, d in read.edges(data=True))
    assert kinds == sorted(d["kind"] for *_, d in network.edges(data=True))


def test_node_link_and_cytoscape_json_hold_every_node_and_edge(views: dict[str, View]) -> None:
    network = ego(views["all"], [TAHIR], depth=1)
    assert len(netformats.node_link(network)["edges"]) == network.number_of_edges()
    elements = netformats.cytoscape(network)["elements"]
    assert {e["data"]["id"] for e in elements["nodes"]} == set(network)
    assert len({e["data"]["id"] for e in elements["edges"]}) == network.number_of_edges()


def test_a_png_is_drawn(views: dict[str, View], tmp_path: Path) -> None:
    data = netformats.write(ego(views["people"], [TAHIR]), "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_measures(views: dict[str, View]) -> None:
    result = measures(views["people"])
    assert result["nodes"] == views["people"].number_of_nodes()
    assert sum(c["size"] for c in result["components"]) == result["nodes"]
    assert sum(c["size"] for c in result["communities"]) == result["nodes"]
    tahir = next(entry for entry in measures(views["people"], top=100)["degree"] if entry["node"] == TAHIR)
    assert tahir["score"] == round(6 / (result["nodes"] - 1), 6), "tied to his six partners and no one else"
    tahir_component = next(c for c in result["components"] if TAHIR in {n["node"] for n in c["nodes"]})
    assert {n["node"] for n in tahir_component["nodes"]} >= {TAHIR, f"{BASE}person/tahir-imin-business-partner-1"}


def test_nodes_by_iri_path_or_unambiguous_name(views: dict[str, View], store: Store) -> None:
    search = SearchIndex(store)
    assert resolve(views["all"], search, TAHIR, BASE) == TAHIR
    assert resolve(views["all"], search, "person/tahir-imin", BASE) == TAHIR
    assert resolve(views["all"], search, "Tahir Imin", BASE) == TAHIR
    with pytest.raises(UsageError, match="names .* nodes; give one by its IRI"):
        resolve(views["all"], search, "business partner", BASE)
    with pytest.raises(NotFound, match="nothing named"):
        resolve(views["all"], search, "nobody at all", BASE)


def test_paths_of_a_network_are_a_network(views: dict[str, View]) -> None:
    found = paths(views["all"], GULMIRA, TAHIR, max_length=3)
    part = path_network(views["all"], found)
    assert {GULMIRA, COURT, TAHIR} <= set(part)


def _materialised_shared(views: dict[str, View]) -> Network:
    """The shared view made whole the way it was before it was computed on demand: the test's oracle."""
    cases = whole(views["cases"])
    classes = {"Court": "shared court", "DetentionFacility": "shared facility", "Charge": "shared charge",
               "LawArticle": "shared law article", "Trial": "shared trial", "Verdict": "shared verdict"}
    members: dict[str, dict[str, set[str]]] = {}
    for _, _, data in cases.edges(data=True):
        for hub in (data["object"], data["via"]):
            if hub in cases and cases.nodes[hub]["class"] in classes:
                members.setdefault(hub, {}).setdefault(data["subject"], set()).update(data["sources"])
    graph: Network = nx.MultiGraph(view="shared")
    for hub, people in sorted(members.items()):
        label = classes[cases.nodes[hub]["class"]]
        for a, b in itertools.combinations(sorted(people), 2):
            graph.add_node(a, **cases.nodes[a])
            graph.add_node(b, **cases.nodes[b])
            graph.add_edge(a, b, key=f"{label.replace(' ', '-')} {a} {hub}", kind=label.replace(" ", "-"), label=label,
                           subject=a, object=b, via=hub, via_label=cases.nodes[hub]["label"],
                           sources=sorted(people[a] | people[b]))
    return graph


def _written_alike(compact: View, oracle: Network, starts: list[str], depth: int, kinds: list[str] | None) -> bool:
    """The node-link data written straight from a compact view is the oracle's ego network, each edge once, subject first."""
    data = ego_node_link(compact, starts, depth, kinds)
    edges = [(edge["source"], edge["target"], edge["key"]) for edge in data["edges"]]
    return (_same(nx.node_link_graph(data, edges="edges"), _oracle_ego(oracle, starts, depth, kinds))
            and len(set(edges)) == len(edges)
            and all((edge["source"], edge["target"]) == (edge["subject"], edge["object"]) for edge in data["edges"]))


def _same(a: Network, b: Network) -> bool:
    edges = sorted((min(u, v), max(u, v), k, sorted(d.items())) for u, v, k, d in a.edges(keys=True, data=True))
    return dict(a.nodes(data=True)) == dict(b.nodes(data=True)) and edges == sorted(
        (min(u, v), max(u, v), k, sorted(d.items())) for u, v, k, d in b.edges(keys=True, data=True))


def test_the_shared_view_on_demand_is_the_materialised_projection(views: dict[str, View]) -> None:
    oracle = _materialised_shared(views)
    assert oracle.number_of_edges() > 0
    assert _same(whole(views["shared"]), oracle)
    assert views["shared"].number_of_edges() == oracle.number_of_edges()
    assert views["shared"].number_of_nodes() == oracle.number_of_nodes()
    assert kinds_of(views["shared"]) == _oracle_kinds(oracle)


def test_a_person_at_a_hub_through_several_sources_is_joined_with_all_of_them(store: Store) -> None:
    # A second source of the test's own (no fact about anyone is added to the graph) states that an event
    # concerning her went through the court: her tie to the court now rests on two sources.
    both = memory_store(BASE)
    both.add(store.quads())
    event, second = ox.NamedNode(f"{BASE}event/test-hearing"), ox.NamedNode(f"{BASE}source/test-second")
    both.add([ox.Quad(event, ox.NamedNode(CG + "concerns"), ox.NamedNode(GULMIRA), second),
              ox.Quad(event, ox.NamedNode(CG + "court"), ox.NamedNode(COURT), second)])
    views = build_views(both)
    oracle = _materialised_shared(views)
    assert second.value in oracle.get_edge_data(GULMIRA, IKRAM)[f"shared-court {GULMIRA} {COURT}"]["sources"]
    assert _same(whole(views["shared"]), oracle)


def test_a_node_of_several_classes_is_shown_by_its_most_specific_ones(store: Store) -> None:
    # Classes added in a graph of the test's own, in this copy only: a narrower one (and her own again)
    # for Gulmira Imin, an unrelated one for Ikram Nurmehmet, whose kind then sorts first.
    typed = memory_store(BASE)
    typed.add(store.quads())
    extra, is_a = ox.NamedNode(f"{BASE}source/test-classes"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    typed.add([ox.Quad(ox.NamedNode(GULMIRA), is_a, ox.NamedNode(CG + "UnidentifiedPerson"), extra),
               ox.Quad(ox.NamedNode(GULMIRA), is_a, ox.NamedNode(CG + "Person"), extra),
               ox.Quad(ox.NamedNode(IKRAM), is_a, ox.NamedNode(CG + "Organisation"), extra)])
    nodes = build_views(typed)["cases"].nodes
    assert nodes.about(GULMIRA) | {"label": ""} == {"label": "", "kind": "unidentified person", "class": "UnidentifiedPerson"}
    assert nodes.about(IKRAM) | {"label": ""} == {"label": "", "kind": "organisation", "class": "Organisation"}


def test_shared_ego_networks_and_paths_on_demand_match_the_materialised_projection(views: dict[str, View]) -> None:
    oracle, shared = _materialised_shared(views), views["shared"]
    people = sorted(oracle)
    for kinds in (None, *([kind] for kind in _oracle_kinds(oracle))):
        for depth in (0, 1, 2):
            for person in people:
                assert _same(ego(shared, [person], depth, kinds), _oracle_ego(oracle, [person], depth, kinds)), \
                    (person, depth, kinds)
                assert _written_alike(shared, oracle, [person], depth, kinds), (person, depth, kinds)
        assert _same(ego(shared, people[:3], 1, kinds), _oracle_ego(oracle, people[:3], 1, kinds))
        assert _written_alike(shared, oracle, people[:3], 1, kinds)
        for source, target in itertools.islice(itertools.combinations(people, 2), 60):
            for length in (1, 3):
                found = paths(shared, source, target, length, kinds)
                assert found == _oracle_paths(oracle, source, target, length, kinds), (source, target, length, kinds)
                assert _same(path_network(shared, found), paths_part(oracle, found))


def test_a_shared_view_too_large_to_make_whole_is_refused_clearly(views: dict[str, View],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "MAX_EDGES", 1)
    with pytest.raises(TooLarge, match="ask for an ego network or a path instead"):
        whole(views["shared"])
    with pytest.raises(TooLarge):
        measures(views["shared"])
    assert status_of(TooLarge("")) == 422
    monkeypatch.setattr(network, "MAX_MEASURED_NODES", 1)
    with pytest.raises(TooLarge, match="measure an ego network instead"):
        measures(views["people"])


def test_betweenness_is_sampled_with_a_fixed_seed_only_above_the_threshold(views: dict[str, View],
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert measures(views["people"])["betweenness_sample"] is None
    monkeypatch.setattr(network, "EXACT_BETWEENNESS_NODES", 1)
    monkeypatch.setattr(network, "BETWEENNESS_SAMPLE", 5)
    first, again = measures(views["people"]), measures(views["people"])
    assert first["betweenness_sample"] == 5 and first["betweenness"] == again["betweenness"]


def _materialised(store: Store, name: str) -> Network:
    """A view made from its query's rows into a networkx MultiGraph, as views were before they were compact: the oracle.

    Node names, kinds and classes come from the same node table (build.node_table), which did not change.
    """
    text = (Path(__file__).parents[1] / "queries" / "network" / f"{name}.rq").read_text(encoding="utf-8")
    stated: dict[tuple[str, str, str, str], set[str]] = {}
    for row in store.select(text):
        key = (row["from"].value, row["to"].value, row["kind"].value, row["via"].value if row["via"] else "")
        stated.setdefault(key, set()).add(row["source"].value)
    about = node_table(store).about

    graph: Network = nx.MultiGraph(view=name)
    for (start, end, kind, via), sources in sorted(stated.items()):
        graph.add_node(start, **about(start))
        graph.add_node(end, **about(end))
        through = about(via)["kind"] if via else ""
        label = f"{about(kind)['label']} ({through})" if through else about(kind)["label"]
        graph.add_edge(start, end, key=f"{local_name(kind)} {start} {via}", kind=local_name(kind), label=label,
                       subject=start, object=end, via=via, via_label=about(via)["label"] if via else "", sources=sorted(sources))
    return graph


@pytest.mark.parametrize("name", ["people", "cases"])
def test_compact_views_hold_exactly_the_networks_their_queries_state(store: Store, views: dict[str, View],
                                                                    name: str) -> None:
    oracle, compact = _materialised(store, name), views[name]
    assert oracle.number_of_edges() > 0
    assert _same(whole(compact), oracle)
    assert (compact.number_of_nodes(), compact.number_of_edges()) == (oracle.number_of_nodes(), oracle.number_of_edges())
    assert kinds_of(compact) == _oracle_kinds(oracle)
    assert all(node in compact for node in oracle) and "https://example.org/nothing" not in compact


def test_the_all_view_is_both_views_together(store: Store, views: dict[str, View]) -> None:
    oracle = nx.compose(_materialised(store, "people"), _materialised(store, "cases"))
    assert _same(whole(views["all"]), oracle)


@pytest.mark.parametrize("name", ["people", "all"])
def test_compact_ego_networks_and_paths_match_networkx_on_the_oracle(store: Store, views: dict[str, View],
                                                                     name: str) -> None:
    oracle = nx.compose(_materialised(store, "people"), _materialised(store, "cases")) if name == "all" \
        else _materialised(store, name)
    compact, people = views[name], sorted(n for n in oracle if "/person/" in n)
    for kinds in (None, ["businessPartner"], ["speaker", "court" if name == "all" else "spouse"]):
        for depth in (0, 1, 2):
            for person in people:
                assert _same(ego(compact, [person], depth, kinds), _oracle_ego(oracle, [person], depth, kinds)), \
                    (person, depth, kinds)
                assert _written_alike(compact, oracle, [person], depth, kinds), (person, depth, kinds)
        assert _written_alike(compact, oracle, people[:4], 1, kinds)
        for source, target in itertools.islice(itertools.combinations(people, 2), 40):
            for length in (1, 3):
                found = paths(compact, source, target, length, kinds)
                assert found == _oracle_paths(oracle, source, target, length, kinds), (source, target, length, kinds)
                assert _same(path_network(compact, found), paths_part(oracle, found))
