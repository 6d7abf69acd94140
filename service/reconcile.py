"""The W3C Entity Reconciliation Service API, version 0.2, at /reconcile: OpenRefine and others match their rows to records.

The manifest, reconciliation queries by GET and form POST, entity previews, and suggest services for
records, types and properties. Candidates and their scores come from graph.matching.candidates, the
types and properties offered from graph.matching.offered.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from graph import __version__
from graph.errors import CasegraphError, UsageError
from graph.matching import candidates, offered
from graph.matching.candidates import PREVIEWED, Candidate, EntityValue
from graph.matching.offered import Attribute, Kind
from graph.namespaces import CG_IRI
from service.dependencies import Edition, SettingsDep, get_edition
from service.errors import PayloadTooLarge, UnsupportedMediaType
from service.rendering import templates
from service.sparql import media_type_of, read_body

router = APIRouter(prefix="/reconcile", tags=["Reconciliation"])
MAX_BATCH = 50  # queries in one batch; announced as the manifest's batchSize
MAX_CURSOR = 1000
PREVIEW_SIZE = {"width": 400, "height": 200}


class Reconciled(BaseModel):
    """A property value that is a record reconciled before."""

    model_config = ConfigDict(extra="forbid")
    id: StrictStr
    name: StrictStr | None = None


Value = StrictStr | StrictInt | StrictFloat | StrictBool | Reconciled


class PropertyValue(BaseModel):
    """A property identifier and one value or several."""

    model_config = ConfigDict(extra="forbid")
    pid: StrictStr
    v: Value | list[Value]


class ReconciliationQuery(BaseModel):
    """One query of a batch, as the 0.2 schema allows it; bounds from graph.matching.candidates."""

    model_config = ConfigDict(extra="forbid")
    query: StrictStr | None = None
    type: StrictStr | list[StrictStr] | None = None
    limit: int | None = Field(default=None, ge=1, le=candidates.MAX_LIMIT)
    properties: list[PropertyValue] | None = None
    type_strict: Literal["any", "all", "should"] | None = None


BATCH = TypeAdapter(dict[str, ReconciliationQuery])
UNION_TAGS = {"str", "int", "float", "bool", "Reconciled"}  # how pydantic names the alternatives of a union in an error's place
QUERIES_FORM: dict[str, Any] = {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "required": ["queries"],
    "properties": {"queries": {"type": "string", "description": "A reconciliation query batch, as JSON."}}}}}}}
QueriesParam = Annotated[str | None, Query(description="A reconciliation query batch, as JSON; without it, the manifest.")]
PrefixParam = Annotated[str, Query(max_length=candidates.MAX_TEXT, description="What the user has typed so far.")]
CursorParam = Annotated[int, Query(ge=0, le=MAX_CURSOR, description="How many suggestions to skip.")]


@router.get("", summary="The service manifest; with `queries`, the candidates for a batch of reconciliation queries")
async def get_reconcile(request: Request, settings: SettingsDep, queries: QueriesParam = None) -> Response:
    """The manifest without parameters; reconciliation by GET with `queries`."""
    _refuse_extension(request.query_params.getlist("extend"))
    if queries is None:
        return JSONResponse(manifest(str(request.base_url), settings.base))
    if len(request.query_params.getlist("queries")) > 1:
        raise UsageError("give one `queries` parameter")
    return await _reconciled(get_edition(request), settings.base, queries)


@router.post("", summary="The candidates for a batch of reconciliation queries, sent as a form", openapi_extra=QUERIES_FORM)
async def post_reconcile(request: Request, settings: SettingsDep) -> Response:
    """Reconciliation by POST of an application/x-www-form-urlencoded body with `queries`."""
    edition = get_edition(request)
    body = await read_body(request, settings.max_request_bytes)
    content_type, charset = media_type_of(request.headers.get("content-type", ""))
    if content_type != "application/x-www-form-urlencoded":
        raise UnsupportedMediaType(f"send the batch as application/x-www-form-urlencoded, not {content_type or 'no type'}")
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"send the form in UTF-8, not {charset}")
    try:
        form = parse_qs(body.decode("utf-8"), errors="strict")
    except UnicodeDecodeError as error:
        raise UsageError(f"the form is not valid UTF-8 (byte {error.start}, or after percent-decoding)") from None
    _refuse_extension(form.get("extend", []))
    given = form.get("queries", [])
    if not given:
        raise UsageError("the form needs a `queries` field holding the batch as JSON")
    if len(given) > 1:
        raise UsageError("give one `queries` field")
    return await _reconciled(edition, settings.base, given[0])


@router.get("/preview", summary="An HTML preview of a record, for a client to show in a frame")
def preview(request: Request, settings: SettingsDep,
            id: Annotated[str, Query(min_length=1, max_length=500, description="The record's identifier.")]) -> Response:
    """The preview page of a record: its name, kinds, description and the facts reconciliation compares."""
    record = candidates.preview(get_edition(request).store, settings.base, id)
    rows = [(heading, ", ".join(values)) for feature, heading in PREVIEWED if (values := record.stated(feature))]
    context = {"record": record, "kinds": ", ".join(k.name for k in record.kinds()), "rows": rows,
               "link": "/" + candidates.record_id(settings.base, record.iri)}
    return templates.TemplateResponse(request, "reconcile-preview.html", context)


@router.get("/suggest/entity", summary="Records whose names start with (then hold) a prefix")
def suggest_entity(request: Request, settings: SettingsDep, prefix: PrefixParam, cursor: CursorParam = 0) -> Response:
    """Auto-completion of records, with their kinds as notable types."""
    edition = get_edition(request)
    found = candidates.suggest_records(edition.store, edition.search, prefix, cursor)
    result = [{"id": candidates.record_id(settings.base, r.iri), "name": r.name, "notable": [_kind(k) for k in r.kinds()],
               **({"description": r.descriptions[0]} if r.descriptions else {})} for r in found]
    return JSONResponse({"result": result})


@router.get("/suggest/type", summary="Types whose id or name starts with (then holds) a prefix")
def suggest_type(prefix: PrefixParam, cursor: CursorParam = 0) -> Response:
    """Auto-completion of types: the ontology's classes."""
    return JSONResponse({"result": [_kind(k, broader=True) for k in offered.suggest_kinds(prefix, cursor)]})


@router.get("/suggest/property", summary="Properties whose id or name starts with (then holds) a prefix")
def suggest_property(prefix: PrefixParam, cursor: CursorParam = 0) -> Response:
    """Auto-completion of the properties a query may supply."""
    return JSONResponse({"result": [_attribute(a) for a in offered.suggest_attributes(prefix, cursor)]})


def manifest(root: str, base: str) -> dict[str, Any]:
    """The service manifest for a service reached at `root` (ending in /), its records' IRIs under `base`."""
    service = root + "reconcile"
    suggest = {name: {"service_url": service, "service_path": f"/suggest/{name}"} for name in ("entity", "type", "property")}
    return {
        "versions": ["0.2"], "name": "casegraph", "serviceVersion": __version__,
        "identifierSpace": base, "schemaSpace": CG_IRI,
        "defaultTypes": [_kind(k) for k in offered.default_kinds()],
        "view": {"url": root + "{{id}}"},
        "preview": {"url": service + "/preview?id={{id}}", **PREVIEW_SIZE},
        "suggest": suggest,
        "batchSize": MAX_BATCH,
    }


async def _reconciled(edition: Edition, base: str, text: str) -> Response:
    """Parse a batch, then find every query's candidates in a worker thread (scoring reads the store)."""
    batch = _parsed(text)
    asked = {key: _checked(base, key, query) for key, query in batch.items()}
    answered = await run_in_threadpool(lambda: {key: candidates.candidates(edition.store, edition.search, base, query)
                                                for key, query in asked.items()})
    return JSONResponse({key: {"result": [_candidate(c) for c in found]} for key, found in answered.items()})


def _parsed(text: str) -> dict[str, ReconciliationQuery]:
    try:
        batch = BATCH.validate_json(text)
    except ValidationError as error:
        raise UsageError("the queries are not a reconciliation query batch: " + _problems(error)) from None
    if len(batch) > MAX_BATCH:
        raise PayloadTooLarge(f"a batch holds at most {MAX_BATCH} queries; this one holds {len(batch)}")
    return batch


def _problems(error: ValidationError) -> str:
    """What pydantic found, one clause per place in the batch; the alternatives of a union in one clause."""
    found: dict[str, list[str]] = {}
    for problem in error.errors(include_url=False, include_input=False):
        if problem["type"] == "json_invalid":
            return f"not JSON: {problem['msg']}"
        found.setdefault(_where(problem["loc"]), []).append(problem["msg"])
    clauses = [f"{where}: {' or '.join([said[0], *(m.removeprefix('Input should be ') for m in said[1:])])}"
               for where, said in found.items()]
    return "; ".join(clauses[:5])


def _where(location: tuple[int | str, ...]) -> str:
    """A place in the batch, such as q0.properties.1.v, without the names pydantic gives the alternatives of a union."""
    if not location:
        return "the batch"
    key, *inner = location
    named = [str(part) for part in inner
            if isinstance(part, int) or (part not in UNION_TAGS and not part.startswith(("list[", "function-")))]
    return ".".join([str(key), *named])


def _checked(base: str, key: str, given: ReconciliationQuery) -> candidates.Query:
    """The query in casegraph's terms; its problems named with the query's key."""
    if given.query is None and not given.properties:
        raise UsageError(f"{key}: a query needs `query` or `properties`")
    types = [given.type] if isinstance(given.type, str) else given.type or []
    properties = [(p.pid, [_value(v) for v in (p.v if isinstance(p.v, list) else [p.v])]) for p in given.properties or []]
    try:
        return candidates.query(base, given.query, types, given.type_strict or "any", given.limit, properties)
    except CasegraphError as error:
        raise UsageError(f"{key}: {error}") from None


def _value(value: Any) -> EntityValue:
    return (value.id, value.name) if isinstance(value, Reconciled) else cast(EntityValue, value)


def _candidate(found: Candidate) -> dict[str, Any]:
    answer: dict[str, Any] = {"id": found.id, "name": found.name, "type": [_kind(k) for k in found.kinds],
                              "score": found.score, "match": found.match,
                              "features": [{"id": name, "value": value} for name, value in found.features]}
    if found.description:
        answer["description"] = found.description
    return answer


def _kind(kind: Kind, broader: bool = False) -> dict[str, Any]:
    shown: dict[str, Any] = {"id": kind.id, "name": kind.name}
    if broader:
        known = offered.kinds()
        shown["description"] = kind.description
        shown["broader"] = [{"id": known[b].id, "name": known[b].name} for b in kind.broader if b in known]
    return shown


def _attribute(attribute: Attribute) -> dict[str, str]:
    return {"id": attribute.id, "name": attribute.name, "description": attribute.description}


def _refuse_extension(given: list[str]) -> None:
    if given:
        raise UsageError("this service does not offer data extension (`extend`); the manifest lists what it offers")
