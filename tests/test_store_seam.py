"""What every store behind the store seam does, checked through the interface alone on each implementation."""

from __future__ import annotations

import gc
import io
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import BASE, needs_virtuoso
from graph.errors import NotFound, QueryError
from graph.store.opening import memory_store, open_store
from graph.store.remote import Endpoints, RemoteStore
from graph.store.seam import Revision, Store
from stores import oxigraph_server, virtuoso_server

LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
A, B = ox.NamedNode(f"{BASE}source/a"), ox.NamedNode(f"{BASE}source/b")
CATALOG = ox.NamedNode(f"{BASE}graph/sources")
ALI, BOTH = ox.NamedNode(f"{BASE}person/ali"), ox.NamedNode(f"{BASE}person/both")
ALI_LABEL = ox.Quad(ALI, LABEL, ox.Literal("Ali"), A)
SHARED = ox.Triple(BOTH, LABEL, ox.Literal("Both"))  # stated by both sources
QUADS = [ALI_LABEL, ox.Quad(SHARED.subject, SHARED.predicate, SHARED.object, A),
         ox.Quad(SHARED.subject, SHARED.predicate, SHARED.object, B),
         ox.Quad(A, TITLE, ox.Literal("Source A"), CATALOG), ox.Quad(B, TITLE, ox.Literal("Source B"), CATALOG)]

def _oxigraph(directory: Path) -> Iterator[Store]:
    """The embedded Oxigraph store, loaded and flushed in a directory as a build leaves it."""
    store = open_store(directory, BASE, new=True)
    store.add(QUADS)
    store.flush()
    del store  # closed, as the build closes it, before the edition is read
    yield open_store(directory, BASE, read_only=True)


def _oxigraph_server(directory: Path) -> Iterator[Store]:
    """The Oxigraph server (PyPI's oxigraph) on a port of its own, loaded by SPARQL Update."""
    with oxigraph_server(directory) as url:
        store = RemoteStore(Endpoints(f"{url}/query", f"{url}/update"), BASE)
        store.add(QUADS)
        yield store
        store.close()


def _virtuoso(directory: Path) -> Iterator[Store]:
    """Virtuoso, whose default graph is the union of its graphs (its own among them), loaded by SPARQL Update."""
    with virtuoso_server(directory) as url:
        store = RemoteStore(Endpoints(f"{url}/sparql", f"{url}/sparql", union=True), BASE)
        store.add(QUADS)
        yield store
        store.close()


# One entry per implementation behind the seam; each is held to every check below that it offers.
MAKERS = {"oxigraph": _oxigraph, "oxigraph-server": _oxigraph_server, "virtuoso": _virtuoso}


@pytest.fixture(params=[pytest.param(name, marks=[needs_virtuoso] if name == "virtuoso" else []) for name in MAKERS])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from MAKERS[request.param](tmp_path / "store")


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Store]:
    """The embedded store alone, for what only it offers yet: revisions (a remote store's writes are to come)."""
    yield from _oxigraph(tmp_path / "store")


def test_the_opened_stores_satisfy_the_interface(store: Store) -> None:
    assert isinstance(store, Store)
    assert isinstance(memory_store(BASE), Store)


def test_the_merged_graph_holds_each_triple_once_and_the_named_graphs_each_statement(store: Store) -> None:
    assert len(store) == 4  # Ali's label, the shared triple, two catalog titles
    assert store.statements() == len(QUADS)
    assert store.count(A) == 2 and store.count(B) == 1
    assert set(store.quads()) == set(QUADS)
    assert set(store.quads(A)) == {q for q in QUADS if q.graph_name == A}
    merged = store.quads_for_pattern(BOTH, None, None, ox.DefaultGraph())
    assert [q.triple for q in merged] == [SHARED]
    assert {q.graph_name for q in store.quads_for_pattern(BOTH, None, None)} == {A, B, ox.DefaultGraph()}


def test_sources_are_named_and_looked_up(store: Store) -> None:
    assert store.source_graphs() == [A, B] and store.source_names() == ["a", "b"]
    assert store.graph("a") == A and store.graph(B.value) == B
    assert store.has_source("a") and not store.has_source("c")
    assert store.has_graph(CATALOG) and not store.has_graph(ox.NamedNode(f"{BASE}source/c"))
    with pytest.raises(NotFound, match="known sources: a, b$"):
        store.graph("c")
    assert store.describes(ALI.value) and not store.describes(f"{BASE}person/nobody")
    assert store.source_quads(A) == [*store.quads(A), ox.Quad(A, TITLE, ox.Literal("Source A"), CATALOG)]


def test_queries_read_the_merged_graph(store: Store) -> None:
    rows = store.select("SELECT ?label WHERE { <person/ali> skos:prefLabel ?label }")
    assert [row["label"] for row in rows] == [ox.Literal("Ali")]
    count = next(iter(store.select("SELECT (COUNT(*) AS ?n) WHERE { <person/both> ?p ?o }")))
    assert count["n"] == ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    # Given its form, as every caller gives it: Virtuoso answers ASK with a row for true and none for false.
    assert bool(store.query("ASK { GRAPH <source/b> { <person/both> ?p ?o } }", form="ASK"))
    assert not bool(store.query("ASK { <person/ali> skos:prefLabel \"Nobody\" }", form="ASK"))
    described = store.query("DESCRIBE <person/ali>", form="DESCRIBE")
    assert isinstance(described, ox.QueryTriples) and ox.Triple(ALI, LABEL, ox.Literal("Ali")) in set(described)
    with pytest.raises(QueryError, match="expected a SELECT query"):
        store.select("ASK { ?s ?p ?o }")
    with pytest.raises(QueryError, match="not valid SPARQL"):
        store.query("SELECT WHERE {")


def test_an_iri_given_to_a_query_is_declared_as_a_prefix_and_placed_by_the_query(store: Store) -> None:
    rows = store.select("SELECT ?who ?label WHERE { VALUES ?who { who: } ?who skos:prefLabel ?label }", {"who": ALI})
    assert [(row["who"], row["label"]) for row in rows] == [(ALI, ox.Literal("Ali"))]
    said = store.select("SELECT ?said WHERE { VALUES ?who { who: } ?who ?p ?said }", {"who": BOTH})
    assert [row["said"] for row in said] == [ox.Literal("Both")]  # the merged graph: once, though two sources state it
    unknown = ox.NamedNode(f"{BASE}person/none%3E%7D")  # escaped as an IRI must be: it cannot end the declaration
    assert list(store.select("SELECT ?p WHERE { VALUES ?who { who: } ?who ?p ?o }", {"who": unknown})) == []
    with pytest.raises(ValueError, match="must be a plain name that is not a prefix"):
        store.select("SELECT * WHERE { ?s ?p ?o }", {"skos": ALI})


def test_dumps_write_the_named_graphs_one_graph_or_the_merged_graph(store: Store) -> None:
    def dumped(fmt: ox.RdfFormat, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> list[ox.Quad]:
        output = io.BytesIO()
        store.dump(output, fmt, graph)
        return list(ox.parse(output.getvalue(), format=fmt))

    assert sorted(map(str, dumped(ox.RdfFormat.N_QUADS))) == sorted(map(str, QUADS))
    assert {q.triple for q in dumped(ox.RdfFormat.TURTLE, B)} == {SHARED}
    assert {q.triple for q in dumped(ox.RdfFormat.N_TRIPLES, ox.DefaultGraph())} == {q.triple for q in QUADS}


def test_a_revision_replaces_one_source_in_a_new_edition_and_leaves_the_store_as_it_was(embedded: Store, tmp_path: Path) -> None:
    store = embedded
    before = set(store.quads_for_pattern(None, None, None))
    new = [ox.Quad(ALI, LABEL, ox.Literal("Ali B"), B), ox.Quad(B, TITLE, ox.Literal("Source B, again"), CATALOG)]
    revision = store.revised(tmp_path / "revised", [A, B], new)
    # Source a's two facts and its catalog title, source b's fact and its title.
    assert revision == Revision(removed=5, gone=2)
    assert set(store.quads_for_pattern(None, None, None)) == before
    revised = open_store(tmp_path / "revised", BASE, read_only=True)
    assert set(revised.quads()) == set(new)
    # The merged graph keeps nothing that only the taken-out graphs stated.
    assert {q.triple for q in revised.quads_for_pattern(None, None, None, ox.DefaultGraph())} == {q.triple for q in new}
    assert revised.source_names() == ["b"] and len(revised) == 2


def test_a_revision_keeps_in_the_merged_graph_what_another_source_still_states(embedded: Store, tmp_path: Path) -> None:
    store = embedded
    revision = store.revised(tmp_path / "revised", [A], [])
    assert revision == Revision(removed=3, gone=1)
    revised = open_store(tmp_path / "revised", BASE, read_only=True)
    assert [q.triple for q in revised.quads_for_pattern(BOTH, None, None, ox.DefaultGraph())] == [SHARED]
    assert not revised.describes(ALI.value) and revised.source_names() == ["b"]


def test_a_missing_store_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="run `casegraph build` first"):
        open_store(tmp_path / "nothing", BASE, read_only=True)


def test_a_refused_select_leaves_no_result_for_another_thread_to_drop(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    raised: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda found: raised.append(str(found.exc_value)))
    with pytest.raises(QueryError) as caught:
        store.select("ASK { ?s ?p ?o }")  # Virtuoso answers it with rows, which the store refuses
    held: list[object] = [caught]
    held.append(held)  # a cycle holding the error and its traceback, as a test or a framework may keep one
    del caught, held
    collector = threading.Thread(target=gc.collect)  # the garbage collector runs in whichever thread allocates
    collector.start()
    collector.join()
    assert not [message for message in raised if "unsendable" in message]


def test_rows_of_a_select_may_be_dropped_by_another_thread(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    raised: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda found: raised.append(str(found.exc_value)))

    def dropped_elsewhere(held: list[object]) -> None:
        thread = threading.Thread(target=held.clear)  # the list holds the only reference: it goes on the other thread
        thread.start()
        thread.join()

    rows = store.select("SELECT ?who ?label WHERE { ?who skos:prefLabel ?label }")
    assert [v.value for v in rows.variables] == ["who", "label"] and list(rows) == list(rows)  # read in full: twice alike
    dropped_elsewhere([store.select("SELECT ?who ?label WHERE { ?who skos:prefLabel ?label }")])
    assert raised == []
    dropped_elsewhere([store.scan("SELECT ?who WHERE { ?who skos:prefLabel ?label }")])
    assert any("unsendable" in message for message in raised), "the hazard the rows guard against is gone: scan may go too"
