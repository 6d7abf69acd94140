"""The competency questions: each named query's result equals the expected result stored beside it.

A query's expected result in expected/ is its result on the seed documents; one in expected/fixtures/
is its result on the seed documents with every valid shape fixture (tests/shapes/valid), for the
terms the seed documents never use. The fixtures are made up, and say so.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.query import Result, ResultRow

from conftest import seed_sources
from graph.editions.build import load
from graph.iris import DEFAULT_BASE as BASE
from graph.query.plans import Plan, bind, execute
from graph.query.queries import NamedQuery, load_queries, named_query
from graph.store.opening import memory_store
from graph.store.seam import Store
from graph.store.sources import read_source

CG = "https://w3id.org/casegraph/ontology#"

EXPECTED = Path(__file__).parent / "expected"
ON_FIXTURES = EXPECTED / "fixtures"
FIXTURES = sorted((Path(__file__).parent / "shapes" / "valid").glob("*.trig"))
QUERIES = load_queries()


def bindings(result: Result) -> Counter[tuple[tuple[str, object], ...]]:
    """A SELECT result as an unordered multiset of rows."""
    rows = [row for row in result if isinstance(row, ResultRow)]
    return Counter(tuple(sorted((str(k), v) for k, v in row.asdict().items())) for row in rows)


def as_rdflib(result: ox.QuerySolutions | ox.QueryBoolean) -> Result:
    buffer = io.BytesIO()
    result.serialize(buffer, ox.QueryResultsFormat.JSON)
    return Result.parse(io.BytesIO(buffer.getvalue()), format="json")


def expected_file(query: NamedQuery) -> Path:
    """The one expected result of a query: .srj for SELECT and ASK, .ttl for CONSTRUCT."""
    found = [p for d in (EXPECTED, ON_FIXTURES) for p in sorted(d.glob(f"{query.name}.*")) if p.is_file()]
    assert len(found) == 1, f"{query.name}: expected exactly one expected file, found {found}"
    return found[0]


@pytest.fixture(scope="module")
def fixture_store() -> Store:
    """The seed documents and every valid shape fixture, in memory."""
    store = memory_store(BASE)
    load(store, [read_source(p, BASE) for p in [*seed_sources(), *FIXTURES]])
    return store


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_query_gives_its_expected_result(store: Store, fixture_store: Store, query: NamedQuery) -> None:
    expected = expected_file(query)
    actual = (fixture_store if expected.parent == ON_FIXTURES else store).query(query.text)
    if isinstance(actual, ox.QueryTriples):
        assert expected.suffix == ".ttl", "a CONSTRUCT query's expected result is Turtle"
        graph = Graph()
        graph.parse(data=ox.serialize(actual, format=ox.RdfFormat.N_TRIPLES), format="nt")
        assert isomorphic(graph, Graph().parse(expected, format="turtle"))
    elif isinstance(actual, ox.QueryBoolean):
        assert expected.suffix == ".srj"
        assert bool(actual) == Result.parse(io.BytesIO(expected.read_bytes()), format="json").askAnswer
    else:
        assert expected.suffix == ".srj", "a SELECT query's expected result is SPARQL Results JSON"
        got, want = as_rdflib(actual), Result.parse(io.BytesIO(expected.read_bytes()), format="json")
        assert [str(v) for v in got.vars or []] == [str(v) for v in want.vars or []]
        assert bindings(got) == bindings(want)


def test_every_query_has_a_title_a_description_and_an_expected_result() -> None:
    assert len(QUERIES) >= 16
    for query in QUERIES:
        assert query.title and query.description, query.name
        lines = query.text.splitlines()
        assert lines[0].startswith("# title: ") and lines[1].startswith("# description: "), query.name
    stems = [p.stem for d in (EXPECTED, ON_FIXTURES) for p in d.iterdir() if p.is_file()]
    assert sorted(stems) == sorted(q.name for q in QUERIES)


def test_all_three_query_forms_are_covered(store: Store) -> None:
    kinds = {type(store.query(q.text)) for q in QUERIES}
    assert kinds == {ox.QuerySolutions, ox.QueryBoolean, ox.QueryTriples}


def store_with(tmp_path: Path, extra: str) -> Store:
    """An in-memory store of the shipped sources plus one more source document."""
    path = tmp_path / "extra.trig"
    path.write_text(extra, encoding="utf-8")
    store = memory_store(BASE)
    load(store, [read_source(p, BASE) for p in [*seed_sources(), path]])
    return store


EXTRA = """@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<graph/sources> { <source/extra> a cg:SourceDocument ; dcterms:title "Extra"@en . }
<source/extra> { BODY }
"""


def test_a_second_birth_year_shows_as_a_disagreement_with_both_sources(tmp_path: Path) -> None:
    claim = '<person/gulmira-imin> cg:birthDate "1979"^^xsd:gYear ; cg:source <source/extra> .'
    store = store_with(tmp_path, EXTRA.replace("BODY", claim))
    rows = [r for r in store.query(named_query("source-disagreements").text) if r["property"].value == "birth date"]
    assert [(r["value"].value, r["source"].value, r["otherValue"].value, r["otherSource"].value) for r in rows] == [
        ("1979", BASE + "source/extra", "1978", BASE + "source/uscirf-gulmira-imin")
    ]


def test_a_stated_link_would_relate_gulmira_imin_and_tahir_imin(tmp_path: Path) -> None:
    ask = named_query("gulmira-imin-and-tahir-imin-related").text
    link = "<person/tahir-imin> cg:familyMember <person/gulmira-imin> ."
    linked = store_with(tmp_path, EXTRA.replace("BODY", link))
    assert bool(linked.query(ask)), "a stated relationship, in either direction, must count as a link"


def test_a_shared_third_person_does_not_relate_gulmira_imin_and_tahir_imin(tmp_path: Path) -> None:
    ask = named_query("gulmira-imin-and-tahir-imin-related").text
    link = "<person/tahir-imin-business-partner-1> cg:spouse <person/gulmira-imin> ."
    assert not bool(store_with(tmp_path, EXTRA.replace("BODY", link)).query(ask))


def test_a_second_gender_shows_as_a_disagreement(tmp_path: Path) -> None:
    """Disagreements on IRI values (not only literals) are found."""
    claim = "<person/gulmira-imin> cg:gender cg:gender-male ."
    store = store_with(tmp_path, EXTRA.replace("BODY", claim))
    rows = [r for r in store.query(named_query("source-disagreements").text) if r["property"].value == "gender"]
    assert [(r["value"].value, r["otherValue"].value) for r in rows] == [(CG + "gender-male", CG + "gender-female")]


def test_an_agreeing_source_is_no_disagreement(tmp_path: Path) -> None:
    claim = '<person/gulmira-imin> cg:birthDate "1978"^^xsd:gYear ; cg:gender cg:gender-female .'
    store = store_with(tmp_path, EXTRA.replace("BODY", claim))
    rows = list(store.query(named_query("source-disagreements").text))
    assert all(r["subject"].value != BASE + "person/gulmira-imin" for r in rows)


def test_a_child_link_is_read_as_a_parent_link_from_the_other_end(tmp_path: Path) -> None:
    link = '<person/tahir-imin> cg:child <person/x> . <person/x> skos:prefLabel "X"@en .'
    store = store_with(tmp_path, EXTRA.replace("BODY", link))
    rows = {(r["name"].value, r["relation"].value, r["otherName"].value) for r in store.query(named_query("relationships").text)}
    assert {("Tahir Imin", "child", "X"), ("X", "parent", "Tahir Imin")} <= rows


def test_records_missing_optional_facts_add_one_row_each(tmp_path: Path) -> None:
    """An allegation with no person or accuser, and a detention with no place, each add exactly one row:
    a label lookup on an unbound variable would otherwise match every label in the graph."""
    body = """<allegation/x> a cg:Allegation ; skos:prefLabel "X"@en ; cg:allegationKind cg:allegation-torture .
    <event/x> a cg:Detention ; skos:prefLabel "Y"@en ; cg:concerns <person/gulmira-imin> ."""
    store = store_with(tmp_path, EXTRA.replace("BODY", body))
    for name, rows in [("allegations", 10), ("detention-history", 5), ("statements", 16), ("sources", 3)]:
        assert len(list(store.query(named_query(name).text))) == rows, name


@pytest.mark.parametrize(("today", "names"), [
    ("2010-03-15", ["Fixture Overdue Person"]),  # due that day: not yet past
    ("2010-03-16", ["Fixture Overdue Person", "Fixture Person Due on a Day"]),
    ("2001-12-31", []),  # due some time in 2001: past only once the year is over
    ("2002-01-01", ["Fixture Overdue Person"]),
    ("not a date", []),  # never quietly the server's date instead
])
def test_overdue_releases_as_of_a_given_day(fixture_store: Store, today: str, names: list[str]) -> None:
    rows = execute(fixture_store, Plan(named_query("overdue-releases").text, bindings=(bind("today", today),)))
    assert isinstance(rows, ox.QuerySolutions) and [r["name"].value for r in rows] == names
