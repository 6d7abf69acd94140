"""What the pages share: the templates, the RDF formats offered for documents, links on this site."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from graph.publish.export import FORMATS

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
HTML = "text/html"
RDF = [FORMATS[name] for name in ("turtle", "jsonld", "ntriples", "trig", "nquads", "rdfxml")]


def local_link(iri: str, base: str) -> str:
    """IRIs under the base resolve on this service; others (vocabularies, sources' own sites) stay as they are."""
    return "/" + iri[len(base):] if iri.startswith(base) else iri
