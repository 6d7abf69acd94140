"""The one place casegraph's errors become HTTP responses: a status, a clear message, nothing internal."""

from __future__ import annotations

import logging
from dataclasses import asdict

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from casegraph.confine import ConfinementError
from casegraph.errors import CasegraphError, InvalidData, NotFound, QueryError, TooLarge, UsageError
from casegraph.service.dependencies import Unauthorized
from casegraph.workers import Busy, QueryTimeout, TooManyResults, TooMuchMemory
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
               TooManyResults: 422, TooMuchMemory: 422, ConfinementError: 503, TooLarge: 422, Unauthorized: 401,
               Conflict: 409, UnsupportedFormat: 415})


def status_of(error: CasegraphError) -> int:
    """The HTTP status for an error, by its class."""
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def _headers(error: CasegraphError) -> dict[str, str] | None:
    if isinstance(error, Unauthorized):
        return {"WWW-Authenticate": 'Bearer realm="casegraph"'}
    if isinstance(error, NotAcceptable):
        return {"Vary": "Accept"}  # the refusal depends on Accept too, so a cache must not hand it to other clients
    return None


def install(app: FastAPI) -> None:
    """Map casegraph's errors, and anything unexpected, to responses without internal detail."""

    @app.exception_handler(CasegraphError)
    async def casegraph_error(request: Request, error: CasegraphError) -> Response:
        if isinstance(error, InvalidData):
            # The SHACL report, so that a documenter (or a program) sees every violation, where, and why.
            return JSONResponse({"message": str(error), "violations": [asdict(v) for v in error.report.violations]},
                                status_code=422)
        return PlainTextResponse(f"{error}\n", status_code=status_of(error), headers=_headers(error))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
