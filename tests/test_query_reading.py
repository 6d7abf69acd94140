"""What casegraph reads from a query's own prologue: a remote store is sent only the base and prefixes it lacks
(tests/web/test_remote_store.py runs such queries on Virtuoso, which takes no BASE after a PREFIX)."""

from __future__ import annotations

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
