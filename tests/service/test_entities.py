"""Linked data: minted IRIs resolve to pages for people and to RDF for machines, each fact with its sources."""

from __future__ import annotations

import re

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from casegraph.namespaces import ONTOLOGY_IRI
from casegraph.store import CaseStore
from conftest import BASE

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


@pytest.mark.parametrize(("extension", "media_type"), [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                                                        ("nq", "application/n-quads"), ("html", "text/html")])
def test_extensions_choose_the_format(server: str, extension: str, media_type: str) -> None:
    response = httpx.get(f"{server}/person/ikram-nurmehmet.{extension}")
    assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)


def test_quad_formats_keep_each_statements_source(server: str, store: CaseStore) -> None:
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


def test_every_minted_subject_resolves(server: str, store: CaseStore) -> None:
    subjects = {str(s["s"].value) for s in store.select("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }")}
    minted = sorted(s for s in subjects if s.startswith(BASE) and not s.startswith((BASE + "graph/", ONTOLOGY_IRI)))
    assert len(minted) > 100
    with httpx.Client(base_url=server) as client:
        failures = [s for s in minted if client.get("/" + s[len(BASE):], headers={"Accept": BROWSER}).status_code != 200]
    assert failures == []
