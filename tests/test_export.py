"""Exports re-parse, with rdflib and with pyoxigraph, to exactly the graph the store holds."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from graph.errors import UsageError
from graph.publish.export import FORMATS, ExportFormat, export, export_format
from graph.store.seam import Store

RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld", "rdfxml": "xml"}
SCOPES = [None, "uscirf-gulmira-imin"]


def exported(store: Store, fmt: ExportFormat, source: str | None) -> bytes:
    buffer = io.BytesIO()
    export(store, fmt, buffer, store.graph(source) if source else None)
    return buffer.getvalue()


def expected_quads(store: Store, source: str | None) -> set[tuple[str, ...]]:
    graph = store.graph(source) if source else None
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in store.quads(graph)}


@pytest.mark.parametrize("source", SCOPES, ids=["whole", "one-source"])
@pytest.mark.parametrize("name", list(FORMATS))
def test_export_round_trips_through_pyoxigraph(store: Store, name: str, source: str | None) -> None:
    fmt = FORMATS[name]
    parsed = list(ox.parse(exported(store, fmt, source), format=fmt.rdf_format))
    expected = expected_quads(store, source)
    if fmt.quads:
        assert {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in parsed} == expected
    else:
        assert {(str(q.subject), str(q.predicate), str(q.object)) for q in parsed} == {e[:3] for e in expected}


@pytest.mark.parametrize("source", SCOPES, ids=["whole", "one-source"])
@pytest.mark.parametrize("name", list(FORMATS))
def test_export_round_trips_through_rdflib(store: Store, name: str, source: str | None) -> None:
    fmt = FORMATS[name]
    reference = Dataset()
    reference.parse(data=exported(store, FORMATS["nquads"], source), format="nquads")
    parsed = Dataset()
    parsed.parse(data=exported(store, fmt, source), format=RDFLIB_FORMAT[name])
    if fmt.quads:
        names = {c.identifier for c in reference.graphs()} | {c.identifier for c in parsed.graphs()}
        for graph_name in names:
            assert isomorphic(reference.graph(graph_name), parsed.graph(graph_name)), graph_name
    else:
        merged = Graph()
        for subject, predicate, obj, _ in reference.quads():
            merged.add((subject, predicate, obj))
        assert isomorphic(merged, parsed.default_graph)


def test_one_source_export_holds_only_that_source(store: Store) -> None:
    data = Dataset()
    data.parse(data=exported(store, FORMATS["trig"], "uscirf-gulmira-imin"), format="trig")
    named = {str(g.identifier) for g in data.graphs() if len(g)}
    assert named == {"https://w3id.org/casegraph/source/uscirf-gulmira-imin"}
    assert (URIRef("https://w3id.org/casegraph/person/ikram-nurmehmet"), None, None) not in data


def test_jsonld_export_is_compact_and_self_contained(store: Store) -> None:
    document = json.loads(exported(store, FORMATS["jsonld"], "uscirf-gulmira-imin"))
    context = document["@context"]
    assert isinstance(context, dict), "the context is embedded, never a remote address"
    assert document["id"].endswith("/source/uscirf-gulmira-imin"), "the one graph keeps its name"
    nodes = document["@graph"]
    gulmira = next(n for n in nodes if n["id"].endswith("/person/gulmira-imin"))
    assert gulmira["prefLabel"] == {"en": "Gulmira Imin"}
    assert gulmira["type"] == "Person"
    assert gulmira["birthPlace"].endswith("/place/aksu")


def test_an_unknown_format_is_refused_with_the_choices() -> None:
    with pytest.raises(UsageError, match="turtle, ntriples, nquads, trig, jsonld, rdfxml"):
        export_format("yaml")
