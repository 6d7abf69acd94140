"""Ground-triple updates (graph/store/updates.py), run on a real store: what they insert, and what they take out."""

from __future__ import annotations

import pyoxigraph as ox

from graph.store.updates import by_graph, changing

XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = ox.NamedNode("https://example.org/graph")
TERM = ox.NamedNode("https://example.org/term")
SENTENCE = ox.NamedNode("https://example.org/sentence")
TRIPLES = [ox.Triple(SENTENCE, TERM, ox.Literal("P19Y8M", datatype=ox.NamedNode(XSD + "yearMonthDuration"))),
           ox.Triple(SENTENCE, TERM, ox.Literal('a "quoted" label\n', language="en")),
           ox.Triple(SENTENCE, TERM, ox.NamedNode("https://example.org/penalty"))]


def test_the_durations_go_in_an_operation_of_their_own_with_an_empty_where() -> None:
    data, durations = changing("INSERT", {GRAPH: TRIPLES})
    assert data.startswith("INSERT DATA") and "P19Y8M" not in data
    assert durations.endswith("WHERE {}") and "P19Y8M" in durations


def test_what_is_inserted_in_named_and_default_graphs_is_taken_out_again() -> None:
    store = ox.Store()
    quads = [ox.Quad(*triple, GRAPH) for triple in TRIPLES]
    store.update(" ;\n".join(changing("INSERT", {**by_graph(quads), None: TRIPLES})))
    assert set(store.quads_for_pattern(None, None, None, GRAPH)) == set(quads)
    assert {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())} == set(TRIPLES)
    store.update(" ;\n".join(changing("DELETE", {GRAPH: TRIPLES[:2], None: TRIPLES})))
    assert list(store) == [quads[2]]
    assert changing("DELETE", {GRAPH: []}) == []


def test_a_blank_node_with_a_duration_is_not_split_between_two_operations() -> None:
    store, node = ox.Store(), ox.BlankNode()
    triples = [ox.Triple(node, TERM, TRIPLES[0].object), ox.Triple(node, TERM, TRIPLES[2].object)]
    (operation,) = changing("INSERT", {GRAPH: triples})
    store.update(operation)
    assert len({quad.subject for quad in store}) == 1 and len(store) == 2
