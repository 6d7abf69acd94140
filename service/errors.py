"""The one place casegraph's errors become HTTP responses: a status, a clear message, nothing internal."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from graph.editions.build import NoFullDataset
from graph.errors import CasegraphError, InvalidData, NotFound, QueryError, ShapesNotCompiled, TooLarge, UsageError
from graph.query.confine import ConfinementError
from graph.query.worker_loop import TooManyResults
from graph.query.workers import Busy, QueryTimeout, TooMuchMemory
from graph.store.remote import RemoteStoreError
from graph.store.shared import StoreBusy
from graph.writing.documents import Conflict, UnsupportedFormat
from graph.writing.drafts import NeedsSecondWriter
from service.dependencies import Forbidden, Unauthorized

log = logging.getLogger(__name__)

STORE_FAILED = "the SPARQL store behind this service failed to do what was asked; the failure has been logged"
STATUS: dict[type[CasegraphError], int] = {QueryError: 400, UsageError: 400, NotFound: 404, InvalidData: 422}


class PayloadTooLarge(CasegraphError):
    """The request body is over the configured limit."""


class UnsupportedMediaType(CasegraphError):
    """The request body's content type is not one this route reads."""


STATUS.update({PayloadTooLarge: 413, UnsupportedMediaType: 415, QueryTimeout: 503, Busy: 503,
               TooManyResults: 422, TooMuchMemory: 422, ConfinementError: 503, TooLarge: 422, Unauthorized: 401,
               Forbidden: 403, Conflict: 409, UnsupportedFormat: 415, NeedsSecondWriter: 403,
               ShapesNotCompiled: 503,  # the service cannot check documents: not the sender's mistake
               NoFullDataset: 409, StoreBusy: 503,
               RemoteStoreError: 502})  # the remote store failed, not the request


def status_of(error: CasegraphError) -> int:
    """The HTTP status for an error, by its class."""
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def _headers(error: CasegraphError) -> dict[str, str] | None:
    if isinstance(error, Unauthorized):
        return {"WWW-Authenticate": 'Bearer realm="casegraph"'}
    return None


def printable(text: str) -> str:
    """The text with control characters escaped, so that a request cannot break or forge a line of the log."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def refused(request: Request, status: int, reason: object) -> None:
    """One line, without a traceback, for a request refused as the client's mistake; no address, which would name the reader."""
    log.info("refused %s %s with %d: %s", request.method, printable(request.url.path), status, printable(str(reason)))


def _report_body(error: InvalidData) -> bytes:
    # The violations' fields are plain strings, so their own dicts serve as they are (asdict copies deeply, slowly).
    violations = [vars(v) for v in error.report.violations]
    return json.dumps({"message": str(error), "violations": violations}, ensure_ascii=False, separators=(",", ":")).encode()


def install(app: FastAPI) -> None:
    """Map casegraph's errors, and anything unexpected, to responses without internal detail."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        refused(request, 422, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()))
        return await request_validation_exception_handler(request, error)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        refused(request, error.status_code, error.detail)
        return await http_exception_handler(request, error)

    @app.exception_handler(CasegraphError)
    async def casegraph_error(request: Request, error: CasegraphError) -> Response:
        if isinstance(error, RemoteStoreError):
            # The store's address and words are the operator's to read, not the client's.
            log.warning("the SPARQL store failed %s %s: %s", request.method, printable(request.url.path), printable(str(error)))
            return PlainTextResponse(f"{STORE_FAILED}\n", status_code=status_of(error))
        refused(request, status_of(error), error)
        if isinstance(error, InvalidData):
            # The SHACL report, so that a documenter (or a program) sees every violation, where, and why. A report
            # of a large document takes a second to render: in a thread, the event loop keeps its turns meanwhile.
            return Response(await run_in_threadpool(_report_body, error), status_code=422, media_type="application/json")
        return PlainTextResponse(f"{error}\n", status_code=status_of(error), headers=_headers(error))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, printable(request.url.path))
        return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
