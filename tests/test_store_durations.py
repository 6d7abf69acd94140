"""Durations a store gives back as numbers of months, written as the durations they are."""

from __future__ import annotations

import json

import pyoxigraph as ox

from graph.store.durations import YEAR_MONTH_DURATION, canonical, mended_results, mended_triples

XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def test_months_are_written_as_the_embedded_store_writes_the_same_duration() -> None:
    store = ox.Store()
    for months in (*range(-30, 30), 144, 180, 1_200):
        given = ox.Literal(f"{'-' if months < 0 else ''}P{abs(months)}M", datatype=YEAR_MONTH_DURATION)
        (row,) = store.query(f"SELECT ?d WHERE {{ BIND({given} AS ?d) }}")
        assert canonical(months) == row["d"].value, months


def test_only_durations_written_as_months_are_mended_in_results() -> None:
    rows = [("d", ox.Literal("78", datatype=YEAR_MONTH_DURATION)), ("n", ox.Literal("78", datatype=XSD_INTEGER)),
            ("t", ox.Literal("P6Y6M", datatype=YEAR_MONTH_DURATION)), ("s", ox.Literal("78"))]
    body = json.dumps({"head": {"vars": [name for name, _ in rows]}, "results": {"bindings": [
        {name: {"type": "literal", "value": term.value, "datatype": term.datatype.value} for name, term in rows}]}})
    (row,) = ox.parse_query_results(mended_results(body.encode()), format=ox.QueryResultsFormat.JSON)
    assert [row[name] for name, _ in rows] == [ox.Literal("P6Y6M", datatype=YEAR_MONTH_DURATION), *(t for _, t in rows[1:])]
    unmended = json.dumps({"head": {"vars": ["t"]}, "results": {"bindings": [
        {"t": {"type": "literal", "value": "P6Y6M", "datatype": YEAR_MONTH_DURATION.value}}]}}).encode()
    assert mended_results(unmended) is unmended, "an answer with nothing to mend is given back as it came"


def test_durations_written_as_months_are_mended_in_triples() -> None:
    subject, predicate = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    given = [ox.Triple(subject, predicate, ox.Literal("-18", datatype=YEAR_MONTH_DURATION)),
             ox.Triple(subject, predicate, ox.Literal("18", datatype=XSD_INTEGER))]
    body = ox.serialize(given, format=ox.RdfFormat.N_TRIPLES) or b""
    assert [q.triple for q in ox.parse(mended_triples(body), format=ox.RdfFormat.N_TRIPLES)] == [
        ox.Triple(subject, predicate, ox.Literal("-P1Y6M", datatype=YEAR_MONTH_DURATION)), given[1]]
