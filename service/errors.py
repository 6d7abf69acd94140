"""The one place casegraph's errors become HTTP responses: a status, a clear message, nothing internal."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from casegraph.errors import CasegraphError, InvalidData, NotFound, QueryError, TooLarge, UsageError
from casegraph.service.dependencies import Unauthorized
from casegraph.workers import Busy, QueryTimeout, TooManyResults
from casegraph.writes import Conflict, UnsupportedFormat

log = logging.getLogger("casegraph.service")

STATUS: dict[type[CasegraphError], int] = {QueryError: 400, UsageError: 400, NotFound: 404, InvalidData: 422}


class NotAcceptable(CasegraphError):
    """No representation the client accepts can be produced."""


class PayloadTooLarge(CasegraphError):
    """The request body is over the configured limit."""


class UnsupportedMediaType(CasegraphError):
    """The request body's content type is not one this route reads."""


STATUS.update({NotAcceptable: 406, PayloadTooLarge: 413, UnsupportedMediaType: 415, QueryTimeout: 503, Busy: 503,
               TooManyResults: 422, TooLarge: 422, Unauthorized: 401, Conflict: 409, UnsupportedFormat: 415})


def status_of(error: CasegraphError) -> int:
    """The HTTP status for an error, by its class."""
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def _report_body(error: InvalidData) -> bytes:
    # The violations' fields are plain strings, so their own dicts serve as they are (asdict copies deeply, slowly).
    violations = [vars(v) for v in error.report.violations]
    return json.dumps({"message": str(error), "violations": violations}, ensure_ascii=False, separators=(",", ":")).encode()


def install(app: FastAPI) -> None:
    """Map casegraph's errors, and anything unexpected, to responses without internal detail."""

    @app.exception_handler(CasegraphError)
    async def casegraph_error(request: Request, error: CasegraphError) -> Response:
        if isinstance(error, InvalidData):
            # The SHACL report, so that a documenter (or a program) sees every violation, where, and why. A report
            # of a large document takes a second to render: in a thread, the event loop keeps its turns meanwhile.
            return Response(await run_in_threadpool(_report_body, error), status_code=422, media_type="application/json")
        challenge = {"WWW-Authenticate": 'Bearer realm="casegraph"'} if isinstance(error, Unauthorized) else None
        return PlainTextResponse(f"{error}\n", status_code=status_of(error), headers=challenge)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
