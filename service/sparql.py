"""The SPARQL 1.1 Protocol at /sparql: query by GET, by POST form and by POST application/sparql-query."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from graph.errors import UsageError
from graph.query import plans, sparql
from service.answers import wants_fresh
from service.dependencies import SettingsDep, StoreDep, get_edition
from service.errors import PayloadTooLarge, UnsupportedMediaType
from service.negotiation import negotiate

router = APIRouter(tags=["SPARQL"])
# The POST route reads its body itself (to bound its size and choose by media type), so FastAPI sees no body to describe.
SPARQL_QUERY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/sparql-query": {"schema": {"type": "string", "description": "The SPARQL 1.1 query."}},
    "application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["query"],
        "properties": {"query": {"type": "string"},
                       "default-graph-uri": {"type": "array", "items": {"type": "string", "format": "iri"}},
                       "named-graph-uri": {"type": "array", "items": {"type": "string", "format": "iri"}}}}}}}}

QueryParam = Annotated[str | None, Query(description="The SPARQL 1.1 query.")]
GraphsParam = Annotated[list[str] | None, Query(description="Graph IRIs of the store.")]


@router.get("/sparql", summary="Run a SPARQL query, or describe the service")
async def get_sparql(
    request: Request, store: StoreDep, query: QueryParam = None,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
) -> Response:
    """SPARQL 1.1 Protocol query by GET; without a query, the SPARQL 1.1 Service Description."""
    if "update" in request.query_params:
        raise UsageError("updates are not accepted: this endpoint is read-only")
    if query is None:
        return _service_description(request)
    _single({"query": request.query_params.getlist("query")}, "query")
    dataset = plans.Dataset(default_graph_uri or [], named_graph_uri or [])
    return await _answer(request, store, query, dataset)


@router.post("/sparql", summary="Run a SPARQL query sent in the body", openapi_extra=SPARQL_QUERY)
async def post_sparql(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """SPARQL 1.1 Protocol query by POST, form-encoded or as application/sparql-query."""
    body = await read_body(request, settings.max_request_bytes)
    content_type, charset = media_type_of(request.headers.get("content-type", ""))
    params = {k: v for k, v in parse_qs(request.url.query).items()}
    if content_type == "application/x-www-form-urlencoded":
        params.update(parse_qs(_utf8(body, charset)))
        query = _single(params, "query")
    elif content_type == "application/sparql-query":
        query = _utf8(body, charset)
    elif content_type == "application/sparql-update":
        raise UsageError("updates are not accepted: this endpoint is read-only")
    else:
        raise UnsupportedMediaType(
            f"send the query as application/sparql-query or application/x-www-form-urlencoded, not {content_type or 'no type'}")
    if "update" in params:
        raise UsageError("updates are not accepted: this endpoint is read-only")
    if not query:
        raise UsageError("the request has no query")
    dataset = plans.Dataset(params.get("default-graph-uri", []), params.get("named-graph-uri", []))
    return await _answer(request, store, query, dataset)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 once it passes the limit (declared or streamed)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body is over {limit} bytes")
    body = bytearray()  # grown in place: appending to bytes copies the whole body at every chunk
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"the request body is over {limit} bytes")
    return bytes(body)


def media_type_of(header: str) -> tuple[str, str]:
    """The media type of a Content-Type header and its charset ("utf-8" when none is given)."""
    media_type, _, parameters = header.partition(";")
    charset = "utf-8"
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def _utf8(body: bytes, charset: str) -> str:
    """The body as text; the protocol sends queries in UTF-8 only."""
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"send the query in UTF-8, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"the request body is not valid UTF-8 (byte {error.start})") from None


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise UsageError(f"give one {name} parameter, not {len(values)}")
    return values[0] if values else None


async def _answer(request: Request, store: StoreDep, query: str, dataset: plans.Dataset) -> Response:
    return await respond(request, sparql.plan(store, query, dataset))


async def respond(request: Request, planned: plans.Plan) -> Response:
    """Run a planned query in the worker pool and send its result in the format the client prefers.

    A repeated query is answered from the answer cache, keyed by the digest of the store's content,
    the plan and the Accept header, unless the client asks for a fresh answer. The content digest,
    not the files', so that a restricted write neither empties nor passes over the public answers.
    """
    edition, cache = get_edition(request), request.app.state.answers
    key = (edition.build.content, planned, request.headers.get("accept"))
    cached = None if wants_fresh(request) else cache.get(key)
    if cached is None:
        media_type = negotiate(request.headers.get("accept"), sparql.offered(planned.form))
        cached = (media_type, sparql.serialize(await edition.run(planned), media_type))
        cache.put(key, cached)
    return Response(cached[1], media_type=cached[0], headers={"Vary": "Accept"})


def _service_description(request: Request) -> Response:
    media_type = negotiate(request.headers.get("accept"), list(sparql.GRAPH_FORMATS))
    endpoint = str(request.url.replace(query=""))
    return Response(sparql.describe_service(endpoint, media_type), media_type=media_type, headers={"Vary": "Accept"})
