"""The ontology IRI serves the ontology: documentation for people, Turtle and others for machines."""

from __future__ import annotations

import io

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from graph.errors import NotFound
from graph.namespaces import ONTOLOGY_IRI
from graph.publish.export import write
from graph.publish.vocabulary import vocabulary
from service.dependencies import StoreDep
from service.negotiation import negotiate
from service.rendering import HTML, RDF, templates

router = APIRouter(tags=["Linked data"])
TRIPLE_FORMATS = [f for f in RDF if not f.quads or f.name == "jsonld"]


@router.get("/ontology", summary="The ontology: HTML documentation, or RDF by Accept")
def get_ontology(request: Request, store: StoreDep) -> Response:
    """The casegraph ontology at its own IRI."""
    offered = [HTML] + [f.media_type for f in TRIPLE_FORMATS]
    return _ontology(request, store, negotiate(request.headers.get("accept"), offered))


@router.get("/ontology.{extension}", summary="The ontology in the format its extension names")
def get_ontology_as(extension: str, request: Request, store: StoreDep) -> Response:
    """The ontology as .html, .ttl, .jsonld, .nt or .rdf."""
    formats = {"html": HTML} | {f.extension: f.media_type for f in TRIPLE_FORMATS}
    if extension not in formats:
        raise NotFound(f"no format with the extension {'.' + extension!r}; use .{', .'.join(formats)}")
    return _ontology(request, store, formats[extension])


def _ontology(request: Request, store: StoreDep, media_type: str) -> Response:
    headers = {"Vary": "Accept"}
    if media_type == HTML:
        context = {"vocabulary": vocabulary(), "iri": ONTOLOGY_IRI, "formats": TRIPLE_FORMATS}
        return templates.TemplateResponse(request, "ontology.html", context, headers=headers)
    fmt = next(f for f in TRIPLE_FORMATS if f.media_type == media_type)
    buffer = io.BytesIO()
    # One document, so plain triples: JSON-LD would otherwise wrap it in the store's named graph.
    write((ox.Quad(q.subject, q.predicate, q.object) for q in store.quads(store.ontology)), fmt, buffer)
    return Response(buffer.getvalue(), media_type=media_type, headers=headers)
