"""Linked data: minted IRIs resolve to pages for people and to RDF for machines, each fact with its sources."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import BASE, copy_seeds
from graph.editions.build import build
from graph.namespaces import ONTOLOGY_IRI
from graph.store.seam import Store

Serve = Callable[..., AbstractContextManager[str]]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def page(server: str, path: str) -> str:
    response = httpx.get(f"{server}{path}", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    return response.text


def test_a_browser_gets_a_readable_page_with_sources(server: str) -> None:
    html = page(server, "/person/gulmira-imin")
    assert "<h1>Gulmira Imin</h1>" in html
    assert ">Aksu</a>" in html, "linked values show their labels, not IRIs"
    assert 'href="/place/aksu"' in html, "neighbours link to their own pages on this service"
    assert "USCIRF victims-list entry: Gulmira Imin" in html, "every fact names its source"
    assert 'href="/source/uscirf-gulmira-imin"' in html
    assert ">birth date<" in html and ">1978<" in html


def test_incoming_links_are_shown_from_both_ends(server: str) -> None:
    html = page(server, "/person/tahir-imin-business-partner-1")
    assert 'href="/person/tahir-imin"' in html, "the partner's page links back to Tahir Imin"


def test_conflicting_claims_are_side_by_side(server: str) -> None:
    html = page(server, "/place/xinjiang")
    row = re.search(r'<tr class="disputed">.*?</tr>', html, re.S)
    assert row is not None and "sources disagree" in row.group(0)
    assert "Xinjiang Uyghur Autonomous Region" in row.group(0) and ">Xinjiang\n" in row.group(0) or ">Xinjiang<" in row.group(0)
    assert "Human Rights Watch" in row.group(0) and "USCIRF" in row.group(0)


def test_text_is_escaped(server: str) -> None:
    html = page(server, "/court/urumqi-intermediate-peoples-court")
    assert "Urumqi Intermediate People&#39;s Court" in html


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt"),
     ("application/rdf+xml", "xml")],
)
def test_machines_get_rdf_by_accept(server: str, accept: str, rdflib_format: str) -> None:
    response = httpx.get(f"{server}/person/tahir-imin", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    graph = Graph()
    for subject, predicate, obj, _ in Dataset().parse(data=response.content, format=rdflib_format).quads():
        graph.add((subject, predicate, obj))  # JSON-LD keeps each statement's source graph; merge them
    tahir = URIRef(f"{BASE}person/tahir-imin")
    assert (tahir, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal("Tahir Imin", lang="en")) in graph
    partners = set(graph.objects(tahir, URIRef("https://w3id.org/casegraph/ontology#businessPartner")))
    assert len(partners) == 6


GULMIRA = f"{BASE}person/gulmira-imin"


def facts_about(store: Store, iri: str) -> Graph:
    """What the store's sources state with the entity as subject or object, each triple once."""
    # The IRI as Oxigraph writes a term, not pasted text.
    query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?entity {{ {ox.NamedNode(iri)} }} "
             "GRAPH ?g { ?s ?p ?o } FILTER(?s = ?entity || ?o = ?entity) }")
    triples = store.oxigraph.query(query)
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


@pytest.mark.parametrize(("extension", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml"), ("jsonld", "json-ld")])
def test_a_document_gives_the_facts_in_its_default_graph(server: str, store: Store, extension: str,
                                                         rdflib_format: str) -> None:
    """Linked-data clients (rdflib's Graph, Comunica) read the default graph of what they dereference."""
    document = Graph().parse(f"{server}/person/gulmira-imin.{extension}", format=rdflib_format)
    expected = facts_about(store, GULMIRA)
    assert len(expected) > 10 and isomorphic(document, expected)


@pytest.mark.parametrize("rdflib_format", [None, "json-ld"])
def test_rdflib_dereferencing_the_iri_finds_the_facts(server: str, store: Store, rdflib_format: str | None) -> None:
    """rdflib asks by its own Accept header: RDF/XML first by default, JSON-LD when told the format."""
    document = Graph().parse(f"{server}/person/gulmira-imin", format=rdflib_format)
    name = Literal("Gulmira Imin", lang="en")
    assert (URIRef(GULMIRA), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), name) in document
    assert isomorphic(document, facts_about(store, GULMIRA))


@pytest.mark.parametrize(("extension", "rdflib_format"), [("trig", "trig"), ("nq", "nquads"), ("jsonld", "json-ld")])
def test_a_quad_document_adds_the_source_graphs(server: str, store: Store, extension: str, rdflib_format: str) -> None:
    data = Dataset().parse(f"{server}/person/gulmira-imin.{extension}", format=rdflib_format)
    expected = facts_about(store, GULMIRA)
    assert isomorphic(data.default_graph, expected), "the facts, in the default graph"
    sources = [g for g in data.graphs() if g.identifier != data.default_graph.identifier and len(g)]
    assert f"{BASE}source/uscirf-gulmira-imin" in {str(g.identifier) for g in sources}
    union = Graph()
    for graph in sources:
        for triple in graph:
            union.add(triple)
    assert isomorphic(union, expected), "and each in the source graphs stating it"


def test_jsonld_holds_the_facts_in_the_default_graph_as_the_standard_reads_it(server: str, store: Store) -> None:
    """A graph object without an @id names a graph by a blank node: Oxigraph's parser follows the standard there."""
    response = httpx.get(f"{server}/person/gulmira-imin", headers={"Accept": "application/ld+json"})
    quads = list(ox.parse(response.content, ox.RdfFormat.JSON_LD))
    default = {q.triple for q in quads if isinstance(q.graph_name, ox.DefaultGraph)}
    assert len(default) == len(facts_about(store, GULMIRA))
    assert {q.triple for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)} == default


@pytest.mark.parametrize(("extension", "media_type"), [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                                                        ("nq", "application/n-quads"), ("html", "text/html")])
def test_extensions_choose_the_format(server: str, extension: str, media_type: str) -> None:
    response = httpx.get(f"{server}/person/ikram-nurmehmet.{extension}")
    assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)


def test_quad_formats_keep_each_statements_source(server: str, store: Store) -> None:
    response = httpx.get(f"{server}/court/urumqi-intermediate-peoples-court.trig")
    data = Dataset().parse(data=response.text, format="trig")
    graphs = {str(g.identifier) for g in data.graphs() if len(g)}
    assert {f"{BASE}source/uscirf-gulmira-imin", f"{BASE}source/hrw-ikram-nurmehmet"} <= graphs


def test_a_plain_client_gets_turtle(server: str) -> None:
    response = httpx.get(f"{server}/case/gulmira-imin", headers={"Accept": "*/*"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(("path", "status", "message"), [
    ("/person/nobody", 404, "nothing is known"),
    ("/widget/thing", 404, "mints no IRIs under /widget/"),
    # The extension is part of the address, so an unknown one names no document (404), whatever Accept says.
    ("/person/gulmira-imin.docx", 404, "no format with the extension"),
])
def test_unknown_things_get_a_helpful_error(server: str, path: str, status: int, message: str) -> None:
    response = httpx.get(f"{server}{path}")
    assert response.status_code == status and message in response.text


def test_every_minted_subject_resolves(server: str, store: Store) -> None:
    subjects = {str(s["s"].value) for s in store.select("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }")}
    minted = sorted(s for s in subjects if s.startswith(BASE) and not s.startswith((BASE + "graph/", ONTOLOGY_IRI)))
    assert len(minted) > 100
    with httpx.Client(base_url=server) as client:
        failures = [s for s in minted if client.get("/" + s[len(BASE):], headers={"Accept": BROWSER}).status_code != 200]
    assert failures == []


def test_conditions_and_additional_penalties_have_pages_linked_both_ways(tmp_path: Path, serve: Serve) -> None:
    """condition/ and penalty/ records resolve to pages, and the custody and sentence they belong to link to them."""
    sources = copy_seeds(tmp_path / "sources")
    for name in ("custody-conditions.trig", "additional-penalties.trig"):
        shutil.copy(Path(__file__).parents[1] / "shapes" / "valid" / name, sources / name)
    build(sources, tmp_path / "store", BASE)
    with serve(tmp_path / "store") as url:
        condition = page(url, "/condition/fixture-held-solitary")
        assert ">kind of condition<" in condition and ">solitary confinement<" in condition
        assert ">end date<" in condition and ">2021<" in condition
        assert 'href="/event/fixture-held-custody"' in condition
        custody = page(url, "/event/fixture-held-custody")
        assert ">condition of<" in custody and 'href="/condition/fixture-held-solitary"' in custody
        sentence = page(url, "/sentence/fixture-sentenced")
        assert ">additional penalty<" in sentence and 'href="/penalty/fixture-sentenced-confiscation"' in sentence
        confiscation = page(url, "/penalty/fixture-sentenced-confiscation")
        assert ">amount<" in confiscation and ">50000<" in confiscation and ">CNY<" in confiscation
