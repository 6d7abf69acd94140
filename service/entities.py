"""Linked data: every IRI casegraph mints resolves here, as HTML for people and RDF for machines."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from graph.errors import NotFound
from graph.namespaces import iri_to_uri
from graph.publish.entities import KINDS, document, entity_iri, moved_to, read_entity
from graph.publish.export import ExportFormat, write
from service.dependencies import SettingsDep, StoreDep, get_edition
from service.negotiation import negotiate
from service.rendering import HTML, RDF, local_link, templates

router = APIRouter(tags=["Linked data"])
BY_EXTENSION = {f.extension: f for f in RDF}
# Listed in the OpenAPI document, not checked by FastAPI: another kind gets 404 naming the kinds there are.
KindParam = Annotated[str, Path(description="The kind of record.", json_schema_extra={"enum": list(KINDS)})]
NameParam = Annotated[str, Path(description="The record's name, optionally with a format's extension "
                                            "(.html, .ttl, .jsonld, .nt, .trig, .nq or .rdf).", examples=["tahir-imin.ttl"])]


@router.get("/{kind}/{name}", summary="An entity: HTML for browsers, RDF by Accept or by extension")
def get_entity(kind: KindParam, name: NameParam, request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Resolve a minted IRI; `.html`, `.ttl`, `.jsonld`, `.nt`, `.trig`, `.nq` or `.rdf` choose the format."""
    slug, _, extension = name.rpartition(".") if "." in name else (name, "", "")
    iri = entity_iri(settings.base, kind, slug)
    current = moved_to(store, iri)
    if current is not None and current.startswith(settings.base):
        # An IRI once published keeps working: it sends its readers on to the record that replaced it.
        target = "/" + iri_to_uri(current).removeprefix(iri_to_uri(settings.base)) + (f".{extension}" if extension else "")
        query = request.url.query
        return RedirectResponse(target + (f"?{query}" if query else ""), status_code=301)
    if extension:
        media_type = HTML if extension == "html" else _by_extension(extension).media_type
    else:
        media_type = negotiate(request.headers.get("accept"), [f.media_type for f in RDF] + [HTML])
    headers = {"Vary": "Accept", "Link": f'<{iri_to_uri(iri)}>; rel="canonical"'}
    if media_type == HTML:
        return _page(request, store, iri, f"/{kind}/{slug}", settings.base, headers)
    fmt = next(f for f in RDF if f.media_type == media_type)
    buffer = io.BytesIO()
    write(document(store, iri), fmt, buffer)
    return Response(buffer.getvalue(), media_type=media_type, headers=headers)


def _by_extension(extension: str) -> ExportFormat:
    if extension not in BY_EXTENSION:
        raise NotFound(f"no format with the extension {'.' + extension!r}; use .html or .{', .'.join(BY_EXTENSION)}")
    return BY_EXTENSION[extension]


def _page(request: Request, store: StoreDep, iri: str, path: str, base: str, headers: dict[str, str]) -> Response:
    entity = read_entity(store, iri)
    context = {
        "entity": entity, "path": path, "formats": RDF, "link": lambda target: local_link(target, base),
        "outgoing": [p for p in entity.properties if not p.incoming],
        "incoming": [p for p in entity.properties if p.incoming],
        "explore": iri in get_edition(request).views["all"],
    }
    return templates.TemplateResponse(request, "entity.html", context, headers=headers)
