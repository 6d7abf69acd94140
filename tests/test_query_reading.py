"""What casegraph reads from a query: its own prologue, of which a remote store is sent only the base and prefixes it
lacks (tests/web/test_remote_store.py runs such queries on Virtuoso, which takes no BASE after a PREFIX); the graphs its
GRAPH patterns name, which such a store is given as named graphs; and that reading it keeps nothing of its caller's
alive."""

from __future__ import annotations

import gc
import uuid
import weakref
from collections.abc import Iterator

import pytest

from conftest import BASE
from graph.query.sparql import read_query
from graph.store.seam import Prologue

SKOS = "http://www.w3.org/2004/02/skos/core#"


@pytest.mark.parametrize(("text", "prologue"), [
    ("SELECT * WHERE { ?s skos:prefLabel ?o ; a cg:Person }", Prologue(False, ("cg", "skos"))),
    (f"BASE <http://example.org/> PREFIX skos: <{SKOS}> SELECT * WHERE {{ <p> skos:prefLabel ?o }}", Prologue(True, ())),
    ("PREFIX cg: <http://example.org/> SELECT * WHERE { ?s cg:p ?o ; rdf:type ?t FILTER(datatype(?o) = xsd:string) }",
     Prologue(False, ("rdf", "xsd"))),
    ("SELECT * WHERE { ?s <p> ?o }", Prologue(False, ())),
])
def test_a_querys_own_base_and_the_casegraph_prefixes_it_leaves_undeclared_are_read(text: str, prologue: Prologue) -> None:
    assert read_query(text, BASE).prologue == prologue


@pytest.mark.parametrize(("text", "names"), [
    ("SELECT * WHERE { GRAPH <source/a> { ?s ?p ?o } GRAPH cg:b { ?s ?p ?o } }",
     ("https://w3id.org/casegraph/ontology#b", f"{BASE}source/a")),
    ("SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH <source/a> { ?s ?p ?o } } }", (f"{BASE}source/a",)),
    ("SELECT * WHERE { { SELECT ?s WHERE { GRAPH <source/a> { ?s ?p ?o } } } GRAPH ?g { ?s ?p ?o } }", ()),
    ("SELECT * WHERE { ?s ?p ?o }", ()),
], ids=["by IRI and by prefixed name", "within NOT EXISTS", "one of them by a variable", "none"])
def test_the_graphs_a_query_names_are_read_unless_one_is_named_by_a_variable(text: str, names: tuple[str, ...]) -> None:
    assert read_query(text, BASE).graph_names == names


class Held:
    """Something a caller of the reader holds, as the service's handlers hold a query's results."""


def read_holding(text: str) -> weakref.ref[Held]:
    """Read a query while holding a local, and give back a weak reference to that local."""
    held = Held()
    read_query(text, BASE)
    return weakref.ref(held)


@pytest.fixture
def no_collector() -> Iterator[None]:
    """The garbage collector stopped: what only a reference cycle keeps stays, as it may until the collector runs."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.usefixtures("no_collector")
def test_reading_a_query_leaves_its_callers_locals_to_go_when_the_caller_returns() -> None:
    # The parser leaves the exceptions it catches in cycles with their frames; were these frames to lead to the
    # caller's, its locals would wait for the collector and go on whichever thread it runs: pyoxigraph's results
    # may not. Each text is new, so that none is answered from the readings kept.
    texts = ["ASK {}", "SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } FILTER(?s != ?o) } LIMIT 3",
             "SELECT ?p ?v WHERE { <person/x> ?p ?v }", "SELECT WHERE"]
    kept = [text for text in texts if read_holding(f"# {uuid.uuid4()}\n{text}")() is not None]
    assert not kept, f"reading these kept the caller's locals alive: {kept}"
