"""The ontology IRI serves the ontology: documentation with an anchor per term, and the Turtle itself."""

from __future__ import annotations

import httpx
import pytest
from rdflib import OWL, RDF, Graph
from rdflib.compare import isomorphic

from graph.namespaces import CG_IRI
from graph.validation.rules import ontology_graph


def test_the_documentation_has_an_anchor_for_every_term(server: str) -> None:
    response = httpx.get(f"{server}/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    graph = ontology_graph()
    terms = {str(s)[len(CG_IRI):] for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in graph.subjects(RDF.type, kind) if str(s).startswith(CG_IRI)}
    missing = sorted(t for t in terms if f'id="{t}"' not in response.text)
    assert missing == []
    assert 'id="gender-female"' in response.text, "concepts of the controlled lists have anchors too"


@pytest.mark.parametrize(("request_kwargs", "rdflib_format"), [
    ({"headers": {"Accept": "text/turtle"}}, "turtle"),
    ({"path": ".ttl"}, "turtle"),
    ({"path": ".jsonld"}, "json-ld"),
    ({"path": ".rdf"}, "xml"),
])
def test_the_ontology_as_rdf_is_the_ontology(server: str, request_kwargs: dict[str, object], rdflib_format: str) -> None:
    path = str(request_kwargs.get("path", ""))
    headers = request_kwargs.get("headers", {})
    response = httpx.get(f"{server}/ontology{path}", headers=headers)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert isomorphic(Graph().parse(data=response.content, format=rdflib_format), ontology_graph())


def test_an_unknown_extension_is_404(server: str) -> None:
    """The extension is part of the address, and no document has that address: not a matter of Accept, so not 406."""
    response = httpx.get(f"{server}/ontology.pdf")
    assert response.status_code == 404 and "no format with the extension '.pdf'" in response.text


def test_an_unacceptable_accept_gets_the_documentation(server: str) -> None:
    response = httpx.get(f"{server}/ontology", headers={"Accept": "image/png"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "Accept" in response.headers["vary"].split(", ")
